package store

import (
	"fmt"
	"runtime/debug"

	bolt "go.etcd.io/bbolt"
)

// DamagedError says the database file is damaged: bbolt panics when it
// meets a broken page, and a damaged file must not take a whole server,
// or an admin's screen, down with it.
type DamagedError struct {
	Path   string
	Detail string
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("the database %s is damaged (%s): restore it from a backup", e.Path, e.Detail)
}

// guard runs fn and turns a panic from bbolt into a *DamagedError. bbolt
// rolls the transaction back while the panic unwinds, so nothing is left
// half-written.
func (s *Store) guard(fn func() error) error { return guardFile(s.path, fn) }

// guardFile is guard for a file not yet open. A page past the end of a
// truncated file is a memory fault in the map rather than a panic:
// SetPanicOnFault makes it one, for this goroutine and this call only.
func guardFile(path string, fn func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = &DamagedError{Path: path, Detail: fmt.Sprint(r)}
		}
	}()
	return fn()
}

// view runs a read transaction under guard.
func (s *Store) view(fn func(tx *bolt.Tx) error) error {
	return s.guard(func() error { return s.db.View(fn) })
}
