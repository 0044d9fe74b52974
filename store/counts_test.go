package store

import (
	"maps"
	"sort"
	"strings"
	"testing"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

func TestStatusCountsFollowEveryChange(t *testing.T) {
	s, _ := tOpen(t)
	if err := s.FillDemo(tAdmin, 300, 200); err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		snap, err := s.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.StatusCounts()
		if err != nil {
			t.Fatal(err)
		}
		if want := snap.Counts(); !maps.Equal(got, want) {
			t.Errorf("%s: counts %v, keys say %v", when, got, want)
		}
	}
	check("after the demo")
	snap, _ := s.Snapshot()
	for _, k := range snap.Keys {
		switch k.Status {
		case model.Active:
			if _, err := s.SuspendKey(model.LocalAdmin("t"), Serial(k.Serial), ""); err != nil {
				t.Fatal(err)
			}
		case model.Locked:
			if _, err := s.RemoveKey(model.LocalAdmin("t"), Serial(k.Serial), model.Broken, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	check("after suspending and removing")
	// A refused operation changes no count.
	for _, k := range snap.Keys {
		if k.Status == model.Ready {
			if _, err := s.KeyWiped(model.LocalAdmin("t"), Serial(k.Serial)); !model.IsRefusal(err) {
				t.Fatalf("wiping a Ready key: %v, want a refusal", err)
			}
			break
		}
	}
	check("after a refusal")
}

func TestCountsAreBuiltForAnOlderDatabase(t *testing.T) {
	s, _ := tOpenSchema8(t)
	if err := s.FillDemo(tAdmin, 100, 60); err != nil {
		t.Fatal(err)
	}
	snap, _ := s.Snapshot()
	want := snap.Counts()
	// Make it a schema 2 database: no counts yet.
	if err := s.db.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bucketCounts); err != nil {
			return err
		}
		if err := downgradeToV5(tx); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(metaSchema, record.ID(2))
	}); err != nil {
		t.Fatal(err)
	}
	path := s.Path()
	s.Close()
	s, err := Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.StatusCounts()
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(got, want) {
		t.Errorf("counts after the upgrade %v, want %v", got, want)
	}
}

func TestEmployeesFirstPageIsInNameOrderWithTheirKeys(t *testing.T) {
	s, _ := tOpen(t)
	if err := s.FillDemo(tAdmin, 100, 80); err != nil {
		t.Fatal(err)
	}
	page, err := s.EmployeesFirstPage(20)
	if err != nil {
		t.Fatal(err)
	}
	snap, _ := s.Snapshot()
	sort.Slice(snap.Employees, func(i, j int) bool {
		a, b := snap.Employees[i], snap.Employees[j]
		return model.NameKey(a.FirstName, a.LastName) < model.NameKey(b.FirstName, b.LastName)
	})
	if len(page.Employees) != 20 {
		t.Fatalf("%d employees, want 20", len(page.Employees))
	}
	held := 0
	for i, e := range page.Employees {
		if e.ID != snap.Employees[i].ID {
			t.Errorf("row %d is %s, want %s", i, e.FullName(), snap.Employees[i].FullName())
		}
		if e.KeyID != 0 {
			held++
		}
	}
	if len(page.Keys) != held {
		t.Errorf("%d keys for %d holders", len(page.Keys), held)
	}
	for _, k := range page.Keys {
		if k.Code != nil {
			t.Errorf("key %s came with its code", k.Serial)
		}
	}
	if !maps.Equal(page.Counts, snap.Counts()) {
		t.Errorf("page counts %v, want %v", page.Counts, snap.Counts())
	}
	if !strings.Contains(page.Employees[0].Email, "@") {
		t.Error("empty employee on the page")
	}
}
