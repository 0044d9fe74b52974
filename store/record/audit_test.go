package record

import (
	"slices"
	"testing"

	"github.com/keydesk/keydesk/model"
)

// Actions round-trip whatever they are: the known ones as a code, others
// written out.
func TestAuditActions(t *testing.T) {
	if len(auditActionCodes) != len(auditActions)-1 {
		t.Fatalf("the action table names an action twice: %d codes for %d actions", len(auditActionCodes), len(auditActions)-1)
	}
	for _, action := range append(slices.Clone(auditActions[1:]), "key.teleported", "") {
		e := NewEncoder(AuditRunFormat)
		e.Action(action)
		d := NewDecoder(e.Buf, AuditRunFormat)
		if got := d.Action(); got != action || d.End() != nil {
			t.Errorf("action %q came back as %q (err %v)", action, got, d.Err())
		}
	}
}

func TestAuditTargetRoundTrip(t *testing.T) {
	for _, target := range []string{"key ST1 (ann@example.com)", "key ST1", "employee ann@example.com", "mail server", "", "keys"} {
		e := NewEncoder(AuditFormat2)
		e.Target(target)
		d := NewDecoder(e.Buf, AuditFormat2)
		if got := d.Target(); got != target || d.Err() != nil {
			t.Errorf("target %q came back as %q (err %v)", target, got, d.Err())
		}
	}
	e := NewEncoder(AuditFormat2)
	e.Uint(uint64(len(targetKinds)))
	e.Str("x")
	if d := NewDecoder(e.Buf, AuditFormat2); d.Target() != "" || d.Err() == nil {
		t.Error("an unknown target kind was accepted")
	}
}

// Every action the store can write must be known to the replay, or a
// trail holding it could never verify.
func TestReplayKnowsEveryStoredAction(t *testing.T) {
	for _, a := range auditActions[1:] {
		if !model.ReplayKnows(a) {
			t.Errorf("the replay does not know what %q does", a)
		}
	}
}

// Every action the store writes reads as words on the screens.
func TestEveryStoredActionHasWords(t *testing.T) {
	for _, a := range append(auditActions[1:], model.ActionKeyReportedLost) {
		if !model.ActionWordsKnown(a) {
			t.Errorf("%q has no words for the screens", a)
		}
	}
}
