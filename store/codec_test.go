package store

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
)

// Audit entries round-trip through format 2 whatever their action: the
// known ones as a code, others written out.
func TestAuditCodecActions(t *testing.T) {
	if len(auditActionCodes) != len(auditActions)-1 {
		t.Fatalf("the action table names an action twice: %d codes for %d actions", len(auditActionCodes), len(auditActions)-1)
	}
	prev := model.AuditEntry{Seq: 6}
	prev.Seal("")
	for _, action := range append(slices.Clone(auditActions[1:]), "key.teleported", "") {
		e := model.AuditEntry{Seq: 7, Time: time.Date(2025, 3, 1, 9, 30, 0, 123456789, time.UTC), Actor: "ann (local)",
			Action: action, Target: "key SN-1", From: model.Ready, To: model.Reserved, Note: "n", KeyID: 3, EmployeeID: 4}
		e.Seal(prev.Hash)
		v, err := encodeAudit(e, 1)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeAudit(v, map[uint64]string{1: e.Actor})
		want := e
		want.PrevHash = "" // not stored: readers fill it in
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("action %q: decoded %+v (%v), want %+v", action, got, err, want)
		}
		if !slices.Equal(storedLink(v), auditLink(storedHashRaw(mustEncode(t, prev)))) {
			t.Errorf("action %q: the link does not point at the previous hash", action)
		}
	}
}

func mustEncode(t *testing.T, e model.AuditEntry) []byte {
	t.Helper()
	v, err := encodeAudit(e, 0)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestAuditTargetRoundTrip(t *testing.T) {
	for _, target := range []string{"key ST1 (ann@example.com)", "key ST1", "employee ann@example.com", "mail server", "", "keys"} {
		e := newEncoder(auditFormat)
		e.target(target)
		d := newDecoder(e.buf, auditFormat)
		if got := d.target(); got != target || d.err != nil {
			t.Errorf("target %q came back as %q (err %v)", target, got, d.err)
		}
	}
	e := newEncoder(auditFormat)
	e.uint(uint64(len(targetKinds)))
	e.str("x")
	if d := newDecoder(e.buf, auditFormat); d.target() != "" || d.err == nil {
		t.Error("an unknown target kind was accepted")
	}
}
