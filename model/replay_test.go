package model

import (
	"strings"
	"testing"
)

func TestReplayFollowsAKeyAndItsHolder(t *testing.T) {
	r := NewReplay()
	steps := []AuditEntry{
		{Seq: 1, Action: ActionKeyImported, To: Ready, KeyID: 7},
		{Seq: 2, Action: ActionEmployeeCreated, EmployeeID: 3},
		{Seq: 3, Action: ActionKeyAssigned, From: Ready, To: Reserved, KeyID: 7, EmployeeID: 3},
		{Seq: 4, Action: ActionCodeShown, From: Reserved, To: Reserved, KeyID: 7, EmployeeID: 3},
		{Seq: 5, Action: ActionKeyActivated, From: Reserved, To: Active, KeyID: 7, EmployeeID: 3},
		{Seq: 6, Action: ActionKeyCompromised, From: Active, To: Compromised, Reason: Lost, KeyID: 7, EmployeeID: 3},
	}
	for _, e := range steps {
		if err := r.Apply(e); err != nil {
			t.Fatalf("entry %d: %v", e.Seq, err)
		}
	}
	if got, want := r.Keys[7], (ReplayedKey{Status: Compromised, Reason: Lost, Seq: 6}); got != want {
		t.Errorf("key %+v, want %+v", got, want)
	}
	if got := r.Employees[3]; got.KeyID != 0 {
		t.Errorf("employee still holds key %d after it was compromised", got.KeyID)
	}
}

func TestReplayRefusesEntriesThatCannotFollow(t *testing.T) {
	for _, tc := range []struct {
		name  string
		entry AuditEntry
		want  string
	}{
		{"unknown action", AuditEntry{Seq: 3, Action: "key.teleported"}, "does not know the action"},
		{"key never imported", AuditEntry{Seq: 3, Action: ActionKeyWiped, From: Deactivated, To: Ready, KeyID: 9}, "never imported"},
		{"from a status it is not in", AuditEntry{Seq: 3, Action: ActionKeyWiped, From: Deactivated, To: Ready, KeyID: 1}, "from Deactivated, but the trail left it Ready"},
		{"to an employee never created", AuditEntry{Seq: 3, Action: ActionKeyAssigned, From: Ready, To: Reserved, KeyID: 1, EmployeeID: 8}, "never created"},
		{"imported twice", AuditEntry{Seq: 3, Action: ActionKeyImported, To: Ready, KeyID: 1}, "already has"},
	} {
		r := NewReplay()
		if err := r.Apply(AuditEntry{Seq: 1, Action: ActionKeyImported, To: Ready, KeyID: 1}); err != nil {
			t.Fatal(err)
		}
		err := r.Apply(tc.entry)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "audit entry 3") {
			t.Errorf("%s: %v, want entry 3 saying %q", tc.name, err, tc.want)
		}
	}
}
