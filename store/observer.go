package store

import (
	"time"

	"github.com/keydesk/keydesk/model"
)

// Observer hears what the store does, for metrics. The store knows
// nothing of how it is counted (serve registers Prometheus collectors in
// ui/serve/metrics); its methods are called on the store's own goroutines
// and must be quick.
type Observer interface {
	// OperationDone: one operation of an admin or a device ended; err is
	// nil when done, a model refusal when refused (by role or by the
	// rules), or what failed. took includes waiting for the commit.
	OperationDone(op model.Operation, took time.Duration, err error)
	// Committed: one write transaction of writes grouped operations
	// ended (ok: on disk), after took.
	Committed(took time.Duration, writes int, ok bool)
	// BackupDone: a backup copy was written (err nil) or failed.
	BackupDone(took time.Duration, err error)
}

type observerHolder struct{ Observer }

// SetObserver makes o hear every operation, commit and backup from now
// on; nil stops it.
func (s *Store) SetObserver(o Observer) {
	if o == nil {
		s.observer.Store(nil)
		return
	}
	s.observer.Store(&observerHolder{o})
}

func (s *Store) observeOperation(op model.Operation, began time.Time, err *error) {
	if o := s.observer.Load(); o != nil {
		o.OperationDone(op, time.Since(began), *err)
	}
}

func (s *Store) observeCommit(took time.Duration, writes int, ok bool) {
	if o := s.observer.Load(); o != nil {
		o.Committed(took, writes, ok)
	}
}

func (s *Store) observeBackup(began time.Time, err *error) {
	if o := s.observer.Load(); o != nil {
		o.BackupDone(time.Since(began), *err)
	}
}
