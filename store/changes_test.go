package store

import (
	"slices"
	"testing"

	"github.com/keydesk/keydesk/model"
)

// A write tells a feed which records it touched, and nothing else; a
// bulk import says to read everything again; a refused write touches no
// record.
func TestFeedNamesTheRecordsAWriteTouched(t *testing.T) {
	s, _ := tOpen(t)
	tImportKeys(t, s, "KD-1", "KD-2")
	ann := tAddEmployee(t, s, "Ann")
	f := s.Follow()
	defer f.Stop()

	if _, ok := f.Take(); ok {
		t.Fatal("a feed started with changes from before it")
	}
	if _, err := s.AssignKey(tAdmin, Serial("KD-2"), ann.Email); err != nil {
		t.Fatal(err)
	}
	select {
	case <-f.C():
	default:
		t.Fatal("no signal after a write")
	}
	ch, ok := f.Take()
	k2 := tKey(t, s, "KD-2")
	if !ok || ch.All || !slices.Equal(ch.Keys, []uint64{k2.ID}) || !slices.Equal(ch.Employees, []uint64{ann.ID}) {
		t.Fatalf("assign: change %+v, want key %d and employee %d", ch, k2.ID, ann.ID)
	}
	got, err := s.ReadTouched(ch)
	if err != nil || len(got.Keys) != 1 || got.Keys[0].Status != model.Reserved || got.Keys[0].Code != nil || len(got.Employees) != 1 {
		t.Fatalf("ReadTouched: %+v, %v", got, err)
	}

	// Refused: only the audit trail changes.
	if _, err := s.AssignKey(tAdmin, Serial("KD-2"), ann.Email); err == nil {
		t.Fatal("a second assign was allowed")
	}
	if ch, ok := f.Take(); ok {
		t.Fatalf("a refused write touched %+v", ch)
	}

	bob := tAddEmployee(t, s, "Bob")
	if err := s.DeleteEmployee(tAdmin, Email(bob.Email)); err != nil {
		t.Fatal(err)
	}
	ch, _ = f.Take()
	if !slices.Equal(ch.Employees, []uint64{bob.ID}) || len(ch.Keys) != 0 {
		t.Fatalf("add and delete merged: %+v", ch)
	}
	got, _ = s.ReadTouched(ch)
	if !slices.Equal(got.GoneEmployees, []uint64{bob.ID}) {
		t.Fatalf("a deleted employee is not gone: %+v", got)
	}

	tImportKeys(t, s, "KD-3")
	if ch, _ := f.Take(); !ch.All {
		t.Fatalf("an import: %+v, want All", ch)
	}
}
