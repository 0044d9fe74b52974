package store

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
)

// Paging the trail both ways, from any entry, with a filter, and finding
// where a date starts.
func TestAuditPages(t *testing.T) {
	s, clock := tOpen(t)
	for i := range 30 {
		tImportKeys(t, s, fmt.Sprintf("SN-%02d", i)) // one entry each, an hour apart
		clock.Advance(time.Hour)
	}
	all := tAudit(t, s)
	n := uint64(len(all))

	newest, more, err := s.AuditOlder(0, 10, nil)
	if err != nil || !more || len(newest) != 10 || newest[0].Seq != n || newest[9].Seq != n-9 {
		t.Fatalf("newest page: %d entries from %d, more %v, %v", len(newest), newest[0].Seq, more, err)
	}
	older, more, _ := s.AuditOlder(newest[9].Seq-1, 100, nil)
	if more || uint64(len(older)) != n-10 || older[len(older)-1].Seq != 1 {
		t.Fatalf("the rest: %d entries, more %v", len(older), more)
	}
	oldest, more, _ := s.AuditNewer(1, 5, nil)
	if !more || len(oldest) != 5 || oldest[0].Seq != 1 || oldest[4].Seq != 5 {
		t.Fatalf("oldest page: %+v more %v", oldest, more)
	}
	mid, _, _ := s.AuditNewer(7, 3, nil)
	if len(mid) != 3 || mid[0].Seq != 7 {
		t.Fatalf("from 7: %+v", mid)
	}
	keep := func(e *model.AuditEntry) bool { return strings.Contains(e.Target, "SN-1") }
	hits, _, _ := s.AuditOlder(0, 100, keep)
	if len(hits) != 10 {
		t.Fatalf("filtered: %d entries, want the 10 of SN-1x", len(hits))
	}
	for _, e := range hits {
		if !keep(&e) {
			t.Fatalf("filtered page holds %q", e.Target)
		}
	}

	for _, e := range all {
		seq, err := s.AuditSeqBefore(e.Time.Add(time.Nanosecond))
		if err != nil || seq != e.Seq {
			t.Fatalf("the entry before %v: %d, %v; want %d", e.Time, seq, err, e.Seq)
		}
	}
	if seq, _ := s.AuditSeqBefore(all[0].Time); seq != 0 {
		t.Fatalf("before the first entry: %d", seq)
	}
}
