package store

import (
	"fmt"
	"strings"
	"testing"

	"github.com/keydesk/keydesk/model"
)

func collectAfter(t *testing.T, s *Store, since model.AuditAnchor) ([]model.AuditEntry, error) {
	t.Helper()
	var got []model.AuditEntry
	for {
		last, n, err := s.AuditAfter(tAdmin, since, func(e model.AuditEntry) error { got = append(got, e); return nil })
		if err != nil || n == 0 {
			return got, err
		}
		since = model.AuditAnchor{Seq: last}
	}
}

// TestAuditAfterGivesEveryEntryOnceInOrder: from any place in the trail,
// runs of entries included, the entries after it come once each, in
// order, each linked to the one before.
func TestAuditAfterGivesEveryEntryOnceInOrder(t *testing.T) {
	s, _ := tOpen(t)
	for i := 0; i < 5; i++ {
		tImportKeys(t, s, fmt.Sprintf("A-%d", i), fmt.Sprintf("B-%d", i), fmt.Sprintf("C-%d", i)) // one run of three
		tAddEmployee(t, s, fmt.Sprintf("Person%d", i))
	}
	all, err := collectAfter(t, s, model.AuditAnchor{})
	if err != nil || len(all) != 20 {
		t.Fatalf("from the start: %d entries, %v", len(all), err)
	}
	head, _ := s.AuditHead()
	for since := 0; since <= len(all); since++ {
		anchor := model.AuditAnchor{Seq: uint64(since)}
		if since > 0 {
			anchor.Hash = all[since-1].Hash
		}
		got, err := collectAfter(t, s, anchor)
		if err != nil {
			t.Fatalf("after %d: %v", since, err)
		}
		if len(got) != len(all)-since {
			t.Fatalf("after %d: %d entries, want %d", since, len(got), len(all)-since)
		}
		prev := anchor.Hash
		for i, e := range got {
			if e.Seq != uint64(since+i+1) || e.PrevHash != prev || e.Hash != all[since+i].Hash {
				t.Fatalf("after %d: entry %d is seq %d prev %s, want seq %d prev %s", since, i, e.Seq, e.PrevHash, since+i+1, prev)
			}
			prev = e.Hash
		}
	}
	if all[len(all)-1].Hash != head.Hash {
		t.Errorf("the last entry is not the head")
	}

	_, err = collectAfter(t, s, model.AuditAnchor{Seq: 25})
	if err == nil || !strings.Contains(err.Error(), "ends at entry 20, before entry 25") {
		t.Errorf("after a place past the end: %v", err)
	}
	_, err = collectAfter(t, s, model.AuditAnchor{Seq: 3, Hash: all[4].Hash})
	if err == nil || !strings.Contains(err.Error(), "rewritten") {
		t.Errorf("after a place whose hash changed: %v", err)
	}
}

func TestAuditAfterIsForRolesThatExportTheTrail(t *testing.T) {
	s, _ := tOpen(t)
	tImportKeys(t, s, "A-1")
	helpdesk := tSSH(t, s, "hugo", model.RoleHelpdesk, 1)
	_, _, err := s.AuditAfter(helpdesk, model.AuditAnchor{}, func(model.AuditEntry) error { return nil })
	if !model.IsRefusal(err) {
		t.Fatalf("a helpdesk follower: %v", err)
	}
}
