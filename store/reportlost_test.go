package store

import (
	"strings"
	"testing"

	"github.com/keydesk/keydesk/model"
)

// "I lost my key": the helpdesk suspends it without any code shown, with
// the caller's words, and it waits for an admin, who marks it
// compromised; the trail still verifies.
func TestReportLostWaitsForAnAdmin(t *testing.T) {
	s, _ := tOpen(t)
	helen := tSSH(t, s, "helen", model.RoleHelpdesk, 1)
	tKeyIn(t, s, "SN-L1", "Ann", model.Active)
	n := len(tAudit(t, s))

	k, err := s.ReportLost(helen, Serial("SN-L1"), "left it on the 8:15 train")
	if err != nil {
		t.Fatalf("ReportLost: %v", err)
	}
	if k.Code != nil {
		t.Fatal("ReportLost returned a code")
	}
	e := tOneEntry(t, s, n) // the change alone: no code.shown
	tEntryIs(t, e, model.ActionKeyReportedLost, e.Actor, model.Active, model.Suspended)
	if e.Reason != model.ReportedLost || e.Note != "left it on the 8:15 train" || !strings.HasPrefix(e.Actor, "helen (helpdesk") {
		t.Errorf("entry %+v", e)
	}
	stored := tKey(t, s, "SN-L1")
	if !model.IsReportedLost(stored.Status, stored.Reason) || stored.Note != "left it on the 8:15 train" {
		t.Errorf("stored key %v %v %q", stored.Status, stored.Reason, stored.Note)
	}

	// Nobody sees its code, nor gets a new one; a second report is refused.
	n = len(tAudit(t, s))
	if _, err := s.ShowCode(tAdmin, Serial("SN-L1")); err == nil || !strings.Contains(err.Error(), "reported lost") {
		t.Errorf("ShowCode on a key reported lost: %v", err)
	}
	if _, err := s.ReissueCode(helen, Serial("SN-L1")); err == nil || !strings.Contains(err.Error(), "waits for an admin") {
		t.Errorf("ReissueCode on a key reported lost: %v", err)
	}
	if _, err := s.ReportLost(helen, Serial("SN-L1"), "again"); err == nil {
		t.Error("a second report was accepted")
	}
	if got := tAuditSince(t, s, n); len(got) != 0 {
		t.Errorf("refusals wrote %d entries", len(got))
	}

	// The helpdesk cannot decide; an admin can.
	if _, err := s.CompromiseKey(helen, Serial("SN-L1"), model.Lost, "SN-L1", ""); err == nil {
		t.Error("helpdesk marked the key compromised")
	}
	if _, err := s.CompromiseKey(tAdmin, Serial("SN-L1"), model.Lost, "SN-L1", "reported by Ann"); err != nil {
		t.Fatalf("admin compromise: %v", err)
	}
	if _, err := s.VerifyAudit(); err != nil {
		t.Fatalf("the trail does not verify: %v", err)
	}
}
