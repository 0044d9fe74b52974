package store

import (
	"errors"
	"io/fs"
	"os"
	"sync"
	"sync/atomic"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// dbHandle is the store's open file. On a single node it never changes;
// on a cluster node a snapshot from the leader replaces the file under
// running readers (cluster.Machine.Restore): the old *bolt.DB is closed
// once its last transaction ends (bbolt's Close waits for them) and the
// new one takes its place. A reader never sees a half-swapped store:
//
//   - the pointer is atomic, so loading it races with nothing;
//   - a transaction that could not begin because the file it loaded was
//     closed under it waits for the swap to finish (swapping, held by the
//     restore from the old file's close until the new one is in place)
//     and runs on the new file; its function had not run, so running it
//     again is running it once.
//
// The methods are bolt.DB's, so the store's code reads s.db.View(fn) as
// before.
type dbHandle struct {
	cur      atomic.Pointer[openFile]
	swapping sync.RWMutex
	gate     importGate // importgate.go
}

// openFile is one open bbolt file and the file it has open (identity.go
// tells from it when the path names another file).
type openFile struct {
	db   *bolt.DB
	info fs.FileInfo
}

func newDBHandle(db *bolt.DB, info fs.FileInfo) *dbHandle {
	h := &dbHandle{}
	h.cur.Store(&openFile{db: db, info: info})
	return h
}

// Load is the bbolt file as it is now.
func (h *dbHandle) Load() *bolt.DB { return h.cur.Load().db }

// fileInfo is the open file's identity, for CheckFile.
func (h *dbHandle) fileInfo() fs.FileInfo { return h.cur.Load().info }

// Lock and Unlock are held by a restore while it closes the old file and
// puts the new one in place (cluster.MachineOptions.Swap).
func (h *dbHandle) Lock()   { h.swapping.Lock() }
func (h *dbHandle) Unlock() { h.swapping.Unlock() }

// replace puts db in place of the current file; the caller holds Lock.
func (h *dbHandle) replace(db *bolt.DB) {
	info, err := os.Stat(db.Path())
	if err != nil {
		info = nil // CheckFile then finds the path does not name it, and says so
	}
	h.cur.Store(&openFile{db: db, info: info})
}

func (h *dbHandle) View(fn func(*bolt.Tx) error) error {
	h.gate.enterRead()
	return h.run((*bolt.DB).View, fn)
}

func (h *dbHandle) Update(fn func(*bolt.Tx) error) error {
	h.gate.enterWrite()
	defer h.gate.leaveWrite()
	return h.run((*bolt.DB).Update, fn)
}

func (h *dbHandle) Batch(fn func(*bolt.Tx) error) error {
	h.gate.enterWrite()
	defer h.gate.leaveWrite()
	return h.run((*bolt.DB).Batch, fn)
}

// updateClosed is Update for the import that closed the gate.
func (h *dbHandle) updateClosed(fn func(*bolt.Tx) error) error { return h.run((*bolt.DB).Update, fn) }
func (h *dbHandle) Close() error                               { return h.Load().Close() }
func (h *dbHandle) IsReadOnly() bool                           { return h.Load().IsReadOnly() }
func (h *dbHandle) Path() string                               { return h.Load().Path() }
func (h *dbHandle) Sync() error                                { return h.Load().Sync() }

// run runs fn in a transaction of the current file; see dbHandle.
func (h *dbHandle) run(op func(*bolt.DB, func(*bolt.Tx) error) error, fn func(*bolt.Tx) error) error {
	for {
		db := h.Load()
		var began atomic.Bool
		err := op(db, func(tx *bolt.Tx) error {
			began.Store(true)
			return fn(tx)
		})
		if began.Load() || !errors.Is(err, bolterrors.ErrDatabaseNotOpen) {
			return err
		}
		h.swapping.RLock()
		next := h.Load()
		h.swapping.RUnlock()
		if next == db {
			return err // closed, not swapped: the store was closed
		}
	}
}
