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
	if got, _ := r.Key(7); got != (ReplayedKey{Status: Compromised, Reason: Lost, Seq: 6}) {
		t.Errorf("key %+v", got)
	}
	if got, _ := r.Employee(3); got.KeyID != 0 {
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

// Ids far past the number of entries (which no store writes) are kept
// all the same, and listed with the others.
func TestReplayKeepsFarIDs(t *testing.T) {
	r := NewReplay()
	far := uint64(1) << 50
	for _, e := range []AuditEntry{
		{Seq: 1, Action: ActionKeyImported, To: Ready, KeyID: 2},
		{Seq: 2, Action: ActionKeyImported, To: Ready, KeyID: far},
		{Seq: 3, Action: ActionEmployeeCreated, EmployeeID: far},
		{Seq: 4, Action: ActionKeyAssigned, From: Ready, To: Reserved, KeyID: far, EmployeeID: far},
	} {
		if err := r.Apply(e); err != nil {
			t.Fatal(err)
		}
	}
	if p, ok := r.Employee(far); !ok || p.KeyID != far {
		t.Errorf("employee %+v %v, want holding key %d", p, ok, far)
	}
	if k, ok := r.TakeKey(2); !ok || k.Status != Ready {
		t.Errorf("key 2: %+v %v", k, ok)
	}
	var left []uint64
	r.KeysLeft(func(id uint64, _ ReplayedKey) { left = append(left, id) })
	if len(left) != 1 || left[0] != far {
		t.Errorf("keys left %v, want only %d", left, far)
	}
}

// An id kept in the map while it was far, then passed by the array as it
// grew, is still found.
func TestReplayFindsAFarIDTheArrayGrewPast(t *testing.T) {
	r := NewReplay()
	far := uint64(1<<16 + 100)
	if err := r.Apply(AuditEntry{Seq: 1, Action: ActionKeyImported, To: Ready, KeyID: far}); err != nil {
		t.Fatal(err)
	}
	seq := uint64(2)
	for ; r.limit() <= far+1; seq++ { // entries enough for the array to reach past far
		if err := r.Apply(AuditEntry{Seq: seq, Action: ActionSettingsChanged}); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Apply(AuditEntry{Seq: seq, Action: ActionKeyImported, To: Ready, KeyID: far + 1}); err != nil {
		t.Fatal(err)
	}
	if k, ok := r.Key(far); !ok || k.Seq != 1 {
		t.Errorf("key %d: %+v %v, want imported by entry 1", far, k, ok)
	}
	if err := r.Apply(AuditEntry{Seq: seq + 1, Action: ActionKeyImported, To: Ready, KeyID: far}); err == nil {
		t.Error("key imported twice, once while far")
	}
}
