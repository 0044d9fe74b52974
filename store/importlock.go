package store

import (
	"sync"
	"time"

	"github.com/keydesk/keydesk/model"
)

// importLock lets one import at a time run on a database. An import holds
// its whole file in memory while it is read and checked, then writes it
// (in chunks that keep everyone else waiting, importchunks.go): several at once over SSH took the memory of
// the server and stalled every other admin. A second import is refused at
// once, saying whose is running, rather than left waiting with its file
// in memory. It lives in memory: one process owns the database file.
type importLock struct {
	mu      sync.Mutex
	running bool
	by      string // the actor, as the audit trail names them
	since   time.Time
}

// BeginImport claims the database for an import of who's, until done is
// called. An import op that who's role does not allow is refused first
// (and audited), so that nobody holds the claim for an import they could
// not make; while another import runs, it is refused naming who runs it.
func (s *Store) BeginImport(who model.Actor, op model.Operation) (done func(), err error) {
	if err := s.Check(who, op); err != nil {
		return nil, err
	}
	actor, err := s.Resolve(who)
	if err != nil {
		return nil, err
	}
	by := actor.String()
	l := &s.imports
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.running {
		return nil, refused("an import by %s is running on this database since %s: try again when it is done",
			l.by, l.since.UTC().Format("15:04:05 UTC"))
	}
	l.running, l.by, l.since = true, by, s.now()
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			l.running = false
			l.mu.Unlock()
		})
	}, nil
}
