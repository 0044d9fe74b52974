package data

import (
	"testing"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
)

// A preview counts every key from the page's counts, not the few keys
// its employees hold, and says it is partial.
func TestPreviewCountsAllKeys(t *testing.T) {
	snap := tSnapshot()
	page := store.FirstPage{
		Employees: snap.Employees[:2],
		Keys:      []model.Key{snap.Keys[0], snap.Keys[2]},
		Counts:    map[model.Status]int{model.Ready: 40_000, model.Active: 60_000},
	}
	x := Preview(page)
	if !x.Partial() || Build(snap).Partial() {
		t.Fatal("Partial: want true for a preview only")
	}
	for s, want := range map[model.Status]int{model.Ready: 40_000, model.Active: 60_000, model.Locked: 0} {
		if got := x.Count(s); got != want {
			t.Errorf("Count(%s) = %d, want %d", s, got, want)
		}
	}
	var names []string
	for _, i := range x.EmployeeOrder(EmployeesByName) {
		names = append(names, x.Employees[i].Name())
	}
	if len(names) != 2 || names[0] != "ada Lovelace" || names[1] != "Zoë Ärger" {
		t.Fatalf("preview rows by name: %q", names)
	}
	if e, _ := x.Employee(1); e.KeySerial() != "KD-3" {
		t.Fatalf("Zoë's key: %q, want KD-3", e.KeySerial())
	}
}
