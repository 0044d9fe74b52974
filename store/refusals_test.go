package store

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
)

// A key sending the same refused command in a loop grows the trail by two
// entries, not by one each time: the first refusal, then the count of the
// ones after it. Each is still refused, and a different refusal is
// written at once.
func TestIdenticalRefusalsAreCountedInOneEntry(t *testing.T) {
	s, _ := tOpen(t)
	s.refusals.window = 300 * time.Millisecond
	una := tSSH(t, s, "una", model.RoleAuditor, 2)
	tImportKeys(t, s, "SN-R1")
	before := len(tAudit(t, s))

	const tries = 100
	for i := range tries {
		if _, err := s.ShowCode(una, Serial("SN-R1")); !model.IsRefusal(err) {
			t.Fatalf("try %d: %v, want a refusal", i+1, err)
		}
	}
	if _, err := s.RemoveKey(una, Serial("SN-R1"), model.Broken, ""); !model.IsRefusal(err) {
		t.Fatalf("another operation: %v, want a refusal", err)
	}
	during := tAuditSince(t, s, before)
	t.Logf("%d identical refusals and another: %d audit entries within the window", tries, len(during))
	if len(during) != 2 || during[0].Target != "key code" || during[1].Target != "key remove" {
		t.Fatalf("the trail during the window: %+v; want the first refusal of key code, then the one of key remove", during)
	}

	var after []model.AuditEntry
	deadline := time.Now().Add(10 * time.Second)
	for len(after) < 3 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		after = tAuditSince(t, s, before)
	}
	if len(after) != 3 {
		t.Fatalf("after the window: %d entries, want 3 (the count written)", len(after))
	}
	count := after[2]
	if count.Action != model.ActionAccessRefused || count.Target != "key code" || !strings.Contains(count.Actor, "una (auditor") ||
		!strings.Contains(count.Note, "refused 99 more times since") || !strings.HasPrefix(count.Note, during[0].Note) {
		t.Errorf("the count entry is %+v; want una's key code refusal, 99 more times", count)
	}
	if _, err := s.VerifyAudit(); err != nil {
		t.Errorf("the trail with the count: %v", err)
	}

	// The window over, the next refusal is written again.
	if _, err := s.ShowCode(una, Serial("SN-R1")); !model.IsRefusal(err) {
		t.Fatalf("after the window: %v, want a refusal", err)
	}
	if got := len(tAuditSince(t, s, before)); got != 4 {
		t.Errorf("after the window, a refusal made %d entries in all, want 4", got)
	}
}

// Counts still open when the store closes are written then.
func TestRefusalCountsAreWrittenAtClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keydesk.db")
	s, err := Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	una := tSSH(t, s, "una", model.RoleAuditor, 2)
	for range 5 {
		if err := s.Check(una, model.OpImportKeys); !model.IsRefusal(err) {
			t.Fatalf("%v, want a refusal", err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	trail := tAudit(t, s)
	var refusals []string
	for _, e := range trail {
		if e.Action == model.ActionAccessRefused {
			refusals = append(refusals, e.Note)
		}
	}
	if len(refusals) != 2 || !strings.Contains(refusals[1], "refused 4 more times") {
		t.Errorf("the refusals in the trail: %q; want the first and a count of 4 more", refusals)
	}
}
