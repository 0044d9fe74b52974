package store

import (
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

// The Audit screen pages through the trail rather than loading it: each
// call reads from one entry on, in one direction, until it has n entries
// that keep accepts (nil: all), and stops. A trail of 100,000 entries is
// never in memory at once; the first, the last and any date are a few
// seeks away (entries are numbered without gaps, oldest first, and their
// times never go back).

// auditPage gathers one page of entries as a read goes along the trail.
type auditPage struct {
	n       int
	keep    func(*model.AuditEntry) bool
	entries []model.AuditEntry
	more    bool // an entry past the page was met
}

// full takes e if keep accepts it, and reports that the page already
// holds n entries: the read stops there, knowing there is more.
func (p *auditPage) full(e model.AuditEntry) bool {
	if len(p.entries) == p.n {
		p.more = true
		return true
	}
	if p.keep == nil || p.keep(&e) {
		p.entries = append(p.entries, e)
	}
	return false
}

// gather reads the runs of t from the one at k on, stepping with step,
// and their entries in the same direction (back: newest first), taking
// those whose number in accepts until the page is full.
func (p *auditPage) gather(t *trail, k, v []byte, step func() ([]byte, []byte), back bool, in func(seq uint64) bool) error {
	for ; k != nil; k, v = step() {
		run, err := t.run(k, v)
		if err != nil {
			return err
		}
		for j := range run {
			i := j
			if back {
				i = len(run) - 1 - j
			}
			if e := run[i].AuditEntry; in(e.Seq) && p.full(e) {
				return nil
			}
		}
	}
	return nil
}

// AuditOlder returns up to n entries with a sequence number at most
// from (0: from the newest), newest first, that keep accepts; more
// reports whether older entries remain to be read.
func (s *Store) AuditOlder(from uint64, n int, keep func(*model.AuditEntry) bool) ([]model.AuditEntry, bool, error) {
	p := auditPage{n: n, keep: keep}
	err := s.view(func(tx *bolt.Tx) error {
		t := openTrail(tx)
		c := t.entries.Cursor()
		var k, v []byte
		if from == 0 {
			k, v = c.Last()
		} else if k, v = c.Seek(record.ID(from)); k == nil || record.ParseID(k) > from {
			if k == nil {
				k, v = c.Last()
			} else {
				k, v = c.Prev()
			}
		}
		return p.gather(t, k, v, c.Prev, true, func(seq uint64) bool { return from == 0 || seq <= from })
	})
	return p.entries, p.more, err
}

// AuditNewer returns up to n entries with a sequence number at least
// from, oldest first, that keep accepts; more reports whether newer
// entries remain to be read.
func (s *Store) AuditNewer(from uint64, n int, keep func(*model.AuditEntry) bool) ([]model.AuditEntry, bool, error) {
	p := auditPage{n: n, keep: keep}
	err := s.view(func(tx *bolt.Tx) error {
		t := openTrail(tx)
		c := t.entries.Cursor()
		k, v := c.Seek(record.ID(from))
		if k == nil || record.ParseID(k) > from {
			if pk, pv := c.Prev(); pk != nil {
				k, v = pk, pv // the run that holds from
			} else {
				k, v = c.First()
			}
		}
		return p.gather(t, k, v, c.Next, false, func(seq uint64) bool { return seq >= from })
	})
	return p.entries, p.more, err
}

// AuditSeqBefore is the newest entry written before the moment t (0 when
// none is): a binary search on the numbers, as times never go back.
func (s *Store) AuditSeqBefore(t time.Time) (uint64, error) {
	var found uint64
	err := s.view(func(tx *bolt.Tx) error {
		tr := openTrail(tx)
		c := tr.entries.Cursor()
		k, v := c.Last()
		if k == nil {
			return nil
		}
		run, err := tr.run(k, v)
		if err != nil {
			return err
		}
		lo, hi := uint64(1), run[len(run)-1].Seq // the answer is in [lo-1, hi]
		for lo <= hi {
			mid := lo + (hi-lo)/2
			e, err := tr.entryAt(c, mid)
			if err != nil {
				return err
			}
			if e.Time.Before(t) {
				found, lo = mid, mid+1
			} else {
				hi = mid - 1
			}
		}
		return nil
	})
	return found, err
}
