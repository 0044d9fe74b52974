package store

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/keydesk/keydesk/model"
)

// Many admins acting on the same key at once: bbolt's single writer makes
// each operation see the one before, so exactly one wins.

// race runs n functions at the same moment and returns their errors.
func race(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = fn(i)
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

func TestConcurrentAssignOneWins(t *testing.T) {
	s, _ := tOpen(t)
	tImportKeys(t, s, "SN-A1")
	const admins = 50
	for i := range admins {
		tAddEmployee(t, s, fmt.Sprintf("Person%02d", i))
	}
	n := len(tAudit(t, s))

	errs := race(admins, func(i int) error {
		_, err := s.AssignKey(model.LocalAdmin(fmt.Sprintf("admin%d", i)), Serial("SN-A1"), tEmail(fmt.Sprintf("Person%02d", i)))
		return err
	})
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Fatalf("both %d and %d assigned the key", winner, i)
		case err == nil:
			winner = i
		default:
			tRefusedWith(t, err, "key SN-A1 is Reserved")
		}
	}
	if winner < 0 {
		t.Fatal("nobody assigned the key")
	}
	k := tKey(t, s, "SN-A1")
	holder := tEmployee(t, s, fmt.Sprintf("Person%02d", winner))
	if k.Status != model.Reserved || k.EmployeeID != holder.ID || holder.KeyID != k.ID {
		t.Errorf("key %v tied to %d; winner %d holds %d", k.Status, k.EmployeeID, holder.ID, holder.KeyID)
	}
	snap, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range snap.Employees {
		if e.ID != holder.ID && e.KeyID != 0 {
			t.Errorf("%s holds key %d too", e.Email, e.KeyID)
		}
	}
	// The winner's assignment and the showing of its code, nothing else.
	audit := tAuditSince(t, s, n)
	if len(audit) != 2 || audit[0].Action != model.ActionKeyAssigned || audit[1].Action != model.ActionCodeShown ||
		audit[0].Actor != model.LocalAdmin(fmt.Sprintf("admin%d", winner)).String() {
		t.Errorf("audit after the race: %+v; want one key.assigned by the winner", audit)
	}
	tVerify(t, s)
}

func TestConcurrentAddEmployeeWithSameKey(t *testing.T) {
	s, _ := tOpen(t)
	tImportKeys(t, s, "SN-A1")
	const admins = 20
	n := len(tAudit(t, s))

	errs := race(admins, func(i int) error {
		_, err := s.AddEmployee(tAdmin, tPerson(fmt.Sprintf("Person%02d", i)), "SN-A1")
		return err
	})
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Fatalf("both %d and %d got the key", winner, i)
		case err == nil:
			winner = i
		case !IsKeyUnavailable(err):
			t.Errorf("loser %d: %v (%T), want *KeyUnavailableError", i, err, err)
		case !strings.Contains(err.Error(), "no longer Ready"):
			t.Errorf("loser %d: %q", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("nobody got the key")
	}
	snap, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Employees) != 1 || snap.Employees[0].Email != tEmail(fmt.Sprintf("Person%02d", winner)) {
		t.Fatalf("employees stored: %+v; want only the winner", snap.Employees)
	}
	if k := tKey(t, s, "SN-A1"); k.EmployeeID != snap.Employees[0].ID || snap.Employees[0].KeyID != k.ID {
		t.Errorf("key and winner not tied")
	}
	if audit := tAuditSince(t, s, n); len(audit) != 3 {
		t.Errorf("%d audit entries after the race, want the winner's 3", len(audit))
	}
	tVerify(t, s)
}
