package store

import (
	"errors"
	"slices"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// commit runs one write and returns once it is on disk. Every write of the
// store goes through here, so that how writes are committed is decided in
// one place.
//
// Writes are grouped: bbolt has one writer and each commit pays for two
// flushes of the disk, so the writes that arrive while a commit is being
// flushed wait for it and then share the next transaction and its flushes.
// Nothing waits on purpose: a write that finds no commit in flight starts
// one at once (bbolt's DB.Batch waits MaxBatchDelay for company, which
// an admin working alone would pay on every operation).
//
// Each write still succeeds or fails alone. When one fails (its fn returns
// an error), the transaction is rolled back, that write is taken out and
// the others run again; then the failed one runs again on its own, after
// the group is on disk, so that its answer is about the database as
// committed. A write that fails first in its transaction saw exactly the
// committed database: its answer stands without a second run. So fn may
// run more than once: it must assign its results, never append them to
// something outside, and have no effect beyond the transaction.
func (s *Store) commit(fn func(tx *bolt.Tx) error) error { return s.committer(fn) }

// write is one operation waiting in the queue.
type write struct {
	fn  func(tx *bolt.Tx) error
	err error
	// turn receives true when this write is to lead the next group,
	// false when its group is done and err is its answer.
	turn chan bool
}

// writeQueue holds the writes that wait for the commit in flight.
type writeQueue struct {
	mu      sync.Mutex
	waiting []*write
	leading bool // some goroutine is running a group
}

// groupCommit queues fn and waits for its answer. The first write to find
// no leader leads: it takes every waiting write (itself included) as one
// group, commits it, hands the lead to the oldest write that arrived
// meanwhile, and returns. Every goroutine thus returns right after its own
// group's commit.
func (s *Store) groupCommit(fn func(tx *bolt.Tx) error) error {
	w := &write{fn: fn, turn: make(chan bool, 1)}
	q := &s.writes
	q.mu.Lock()
	q.waiting = append(q.waiting, w)
	lead := !q.leading
	q.leading = true
	q.mu.Unlock()
	if !lead && !<-w.turn {
		return w.err
	}

	q.mu.Lock()
	group := q.waiting
	q.waiting = nil
	q.mu.Unlock()

	s.commitGroup(group)

	q.mu.Lock()
	if len(q.waiting) > 0 {
		q.waiting[0].turn <- true
	} else {
		q.leading = false
	}
	q.mu.Unlock()
	for _, other := range group {
		if other != w {
			other.turn <- false
		}
	}
	return w.err
}

// commitGroup sets every write's err: the group's commit for those that
// succeeded, their own error for those that failed.
func (s *Store) commitGroup(group []*write) {
	var alone []*write // failed in the group, to be run again on their own
	for len(group) > 0 {
		began := time.Now()
		run := group // this round's, as the closure sees it (so group stays on the stack)
		err := s.guard(func() error {
			return s.tracked(s.db.Update, func(tx *bolt.Tx) error {
				for _, w := range run {
					if w.err = w.fn(tx); w.err != nil {
						return w.err
					}
				}
				return nil
			})
		})
		// The write that failed is the first with an error: those before it
		// ran well, those after it did not run (and no write in the group
		// has failed before, or it would have left the group).
		failed := slices.IndexFunc(group, func(w *write) bool { return w.err != nil })
		s.observeCommit(time.Since(began), len(group), failed < 0 && err == nil)
		switch {
		case failed == 0:
			group = group[1:] // saw the committed database: its error stands
		case failed > 0:
			alone = append(alone, group[failed])
			group = append(group[:failed:failed], group[failed+1:]...)
		default:
			// Committed, or the commit itself failed, or bbolt found the
			// file damaged: the same answer for all. A damaged page met
			// by one write's fn is that write's, though: run them alone.
			if err != nil && len(group) > 1 && isDamaged(err) {
				alone = append(alone, group...)
				group = nil
				continue
			}
			for _, w := range group {
				w.err = err
			}
			group = nil
		}
	}
	for _, w := range alone {
		w.err = s.guard(func() error { return s.tracked(s.db.Update, w.fn) })
	}
}

// isDamaged reports whether err is a damaged page met in a transaction.
func isDamaged(err error) bool {
	var damaged *DamagedError
	return errors.As(err, &damaged)
}
