package store

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/demodata"
	bolt "go.etcd.io/bbolt"
)

// checkConsistent asserts what must hold in any database: keys and
// employees point at each other, only keys that carry a code have one, the
// bbolt file is sound and the audit chain verifies.
func checkConsistent(t *testing.T, s *Store) Snapshot {
	t.Helper()
	snap, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	holder := map[uint64]uint64{} // key id -> employee id
	for _, k := range snap.Keys {
		if k.Status.IsTied() != (k.EmployeeID != 0) {
			t.Errorf("key %s is %v but tied to employee %d", k.Serial, k.Status, k.EmployeeID)
		}
		if k.EmployeeID != 0 {
			holder[k.ID] = k.EmployeeID
		}
	}
	held := 0
	for _, e := range snap.Employees {
		if e.KeyID == 0 {
			continue
		}
		held++
		if holder[e.KeyID] != e.ID {
			t.Errorf("%s holds key %d, which is tied to employee %d", e.Email, e.KeyID, holder[e.KeyID])
		}
	}
	if held != len(holder) {
		t.Errorf("%d employees hold a key, %d keys are tied", held, len(holder))
	}
	now := s.now()
	codes := 0
	s.db.View(func(tx *bolt.Tx) error {
		for _, k := range snap.Keys {
			full, err := s.keyByID(tx, k.ID)
			if err != nil {
				t.Fatal(err)
			}
			if k.Status.HasCode() != (full.Code != nil) {
				t.Errorf("key %s is %v, code %+v", k.Serial, k.Status, full.Code)
			}
			if full.Code != nil {
				codes++
				if full.Code.Expired(now) || !sixDigits.MatchString(full.Code.Digits) {
					t.Errorf("key %s has an unusable code %+v", k.Serial, full.Code)
				}
			}
		}
		for err := range tx.Check() {
			t.Errorf("bbolt check: %v", err)
		}
		return nil
	})
	if n := tCodeCount(t, s); n != codes {
		t.Errorf("codes bucket holds %d codes, %d keys carry one", n, codes)
	}
	tVerify(t, s)
	return snap
}

// checkHistories asserts that every key's and employee's history is
// exactly its entries of the trail, newest first.
func checkHistories(t *testing.T, s *Store, snap Snapshot) {
	t.Helper()
	byKey, byEmployee := map[uint64][]uint64{}, map[uint64][]uint64{}
	for _, e := range tAudit(t, s) {
		if e.KeyID != 0 {
			byKey[e.KeyID] = append([]uint64{e.Seq}, byKey[e.KeyID]...)
		}
		if e.EmployeeID != 0 {
			byEmployee[e.EmployeeID] = append([]uint64{e.Seq}, byEmployee[e.EmployeeID]...)
		}
	}
	seqs := func(h []model.AuditEntry, err error) []uint64 {
		if err != nil {
			t.Fatal(err)
		}
		var out []uint64
		for _, e := range h {
			out = append(out, e.Seq)
		}
		return out
	}
	for _, k := range snap.Keys {
		if got := seqs(s.KeyHistory(k.ID)); !reflect.DeepEqual(got, byKey[k.ID]) {
			t.Errorf("key %s history %v, the trail says %v", k.Serial, got, byKey[k.ID])
		}
	}
	for _, e := range snap.Employees {
		if got := seqs(s.EmployeeHistory(e.ID)); !reflect.DeepEqual(got, byEmployee[e.ID]) {
			t.Errorf("%s history %v, the trail says %v", e.Email, got, byEmployee[e.ID])
		}
	}
}

func TestFillDemoHasEveryStatus(t *testing.T) {
	s, _ := tOpen(t)
	if err := s.FillDemo(tAdmin, 300, 200); err != nil {
		t.Fatalf("FillDemo: %v", err)
	}
	snap := checkConsistent(t, s)
	checkHistories(t, s, snap)
	if len(snap.Keys) != 300 || len(snap.Employees) != 200 {
		t.Errorf("%d keys, %d employees", len(snap.Keys), len(snap.Employees))
	}
	counts := snap.Counts()
	for _, st := range model.Statuses {
		if counts[st] == 0 {
			t.Errorf("no %v key in the demo (counts %v)", st, counts)
		}
	}
	reasons := map[model.Reason]bool{}
	for _, k := range snap.Keys {
		reasons[k.Reason] = true
	}
	for _, r := range []model.Reason{model.InvalidActivationCode, model.LockedByInvalidPin, model.Withdrawal, model.Broken, model.Lost, model.Stolen} {
		if !reasons[r] {
			t.Errorf("no key with reason %v", r)
		}
	}
	// Profiles, pending changes, licences in every status, companies:
	// what `make run` shows of schema 6.
	licences := map[model.LicenceStatus]int{}
	pending := 0
	for _, k := range snap.Keys {
		licences[model.LicenceStatusOf(k.LicenceUntil, s.now())]++
		if k.ProfilePending() {
			pending++
		}
	}
	for _, l := range model.LicenceStatuses {
		if licences[l] == 0 {
			t.Errorf("no key with a licence %s (%v)", l, licences)
		}
	}
	if pending == 0 {
		t.Error("no key waits for a profile change")
	}
	for _, p := range snap.Profiles {
		if p.Keys == 0 {
			t.Errorf("no key has the profile %s", p.Name)
		}
	}
	if len(snap.Profiles) != 1+len(demodata.Profiles) {
		t.Errorf("%d profiles", len(snap.Profiles))
	}
	companies := map[string]bool{}
	for _, e := range snap.Employees {
		companies[e.Company] = true
	}
	if len(companies) != len(demodata.Companies) || companies[""] {
		t.Errorf("the employees work for %v", companies)
	}
	// The history reads in order of time.
	audit := tAudit(t, s)
	for i := 1; i < len(audit); i++ {
		if audit[i].Time.Before(audit[i-1].Time) {
			t.Errorf("entry %d (%v) is older than entry %d (%v)", audit[i].Seq, audit[i].Time, audit[i-1].Seq, audit[i-1].Time)
			break
		}
	}
	if last := audit[len(audit)-1].Time; last.After(tStart) {
		t.Errorf("the demo history ends in the future: %v", last)
	}
}

func TestFillDemoSmallCounts(t *testing.T) {
	sizes := [][2]int{{0, 0}, {1, 0}, {0, 1}, {1, 1}, {7, 7}, {10, 100}, {100, 10}}
	// Few keys spread the history thinly: every step must still land
	// within its code's validity.
	for _, keys := range []int{2, 3, 5, 8, 12, 20} {
		for _, employees := range []int{3, 5, 9, 15, 30} {
			sizes = append(sizes, [2]int{keys, employees})
		}
	}
	for _, c := range sizes {
		t.Run(fmt.Sprintf("%d keys %d employees", c[0], c[1]), func(t *testing.T) {
			s, _ := tOpen(t)
			if err := s.FillDemo(tAdmin, c[0], c[1]); err != nil {
				t.Fatalf("FillDemo: %v", err)
			}
			snap := checkConsistent(t, s)
			checkHistories(t, s, snap)
			if len(snap.Keys) != c[0] || len(snap.Employees) != c[1] {
				t.Errorf("%d keys, %d employees", len(snap.Keys), len(snap.Employees))
			}
		})
	}
}

func TestFillDemoSameLayoutForSameCounts(t *testing.T) {
	a, _ := tOpen(t)
	b, _ := tOpen(t)
	for _, s := range []*Store{a, b} {
		if err := s.FillDemo(tAdmin, 120, 80); err != nil {
			t.Fatal(err)
		}
	}
	sa, _ := a.Snapshot()
	sb, _ := b.Snapshot()
	if !reflect.DeepEqual(sa, sb) {
		t.Errorf("two demos with the same counts differ")
	}
}

func TestFillDemoRefusals(t *testing.T) {
	s, _ := tOpen(t)
	err := tUnchanged(t, s, func() error { return s.FillDemo(tAdmin, -1, 5) })
	tRefusedWith(t, err, "cannot be negative")

	if err := s.FillDemo(tAdmin, 20, 10); err != nil {
		t.Fatal(err)
	}
	err = tUnchanged(t, s, func() error { return s.FillDemo(tAdmin, 20, 10) })
	tRefusedWith(t, err, "demo data goes only into an empty one")

	// One employee is enough to make a database not empty.
	s2, _ := tOpen(t)
	tAddEmployee(t, s2, "Jane")
	err = tUnchanged(t, s2, func() error { return s2.FillDemo(tAdmin, 5, 5) })
	tRefusedWith(t, err, "already holds keys or employees")

	s3, _ := tOpen(t)
	tImportKeys(t, s3, "SN-A1")
	err = tUnchanged(t, s3, func() error { return s3.FillDemo(tAdmin, 5, 5) })
	tRefusedWith(t, err, "already holds keys or employees")
}

func TestDemoNamesAreUnique(t *testing.T) {
	seen := map[string]int{}
	for i := range 300_000 {
		first, last := demodata.Name(i)
		k := model.NameKey(first, last)
		if j, dup := seen[k]; dup {
			t.Fatalf("demo names %d and %d are both %s %s", j, i, first, last)
		}
		seen[k] = i
	}
}
