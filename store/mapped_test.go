package store

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
)

// A walk that lets go of the file's pages after every record reads what
// one that keeps them reads: the keys with their holders, the employees
// with their keys.
func TestWalkReleasingPagesReadsTheSame(t *testing.T) {
	s, _ := tOpen(t)
	var serials []string
	for i := range 300 {
		serials = append(serials, fmt.Sprintf("SN-%04d", i))
	}
	tImportKeys(t, s, serials...)
	for i := range 40 {
		tKeyIn(t, s, fmt.Sprintf("HELD-%02d", i), fmt.Sprintf("Holder%c%c", 'A'+i/26, 'a'+i%26), model.Reserved)
	}
	walk := func() (keys, people []string) {
		if err := s.EachKey(func(l KeyLine, _ time.Time) error {
			keys = append(keys, fmt.Sprintf("%s %s %s %s", l.Key.Serial, l.Key.Status, l.HolderEmail, l.Profile))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if err := s.EachEmployee(func(e model.Employee, serial string) error {
			people = append(people, e.Email+" "+serial)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return keys, people
	}
	keys, people := walk()
	if len(keys) != 340 || len(people) != 40 {
		t.Fatalf("%d keys and %d employees, want 340 and 40", len(keys), len(people))
	}
	defer func(n int) { walkRelease = n }(walkRelease)
	walkRelease = 1
	keys2, people2 := walk()
	if !slices.Equal(keys, keys2) || !slices.Equal(people, people2) {
		t.Errorf("releasing the pages changed what was read:\n%v\n%v", keys2, people2)
	}
}
