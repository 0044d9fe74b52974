package cluster

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/keydesk/keydesk/store/osfile"
	bolt "go.etcd.io/bbolt"
)

// Snapshot is the file as of one applied index: a bbolt read transaction
// opened on the apply goroutine, written out later while applying goes
// on (what Store.Backup does; Vault's FSM streams its file the same way).
type Snapshot struct {
	tx          *bolt.Tx
	Index, Term uint64
}

// Snapshot opens a read transaction; call it between two batches.
func (m *Machine) Snapshot() (*Snapshot, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	tx, err := m.db.Begin(false)
	if err != nil {
		return nil, err
	}
	a := readApplied(tx)
	return &Snapshot{tx: tx, Index: a.Index, Term: a.Term}, nil
}

// WriteTo writes the whole file as of the snapshot.
func (s *Snapshot) WriteTo(w io.Writer) (int64, error) { return s.tx.WriteTo(w) }

// Release ends the snapshot's transaction.
func (s *Snapshot) Release() { _ = s.tx.Rollback() }

// Restore replaces the file by the snapshot read from r: the new file is
// written beside, fsynced, opened and checked, and only then renamed over
// the database; a snapshot that fails a check leaves the file as it was.
func (m *Machine) Restore(r io.Reader) error {
	if h := m.Halted(); h != nil {
		return h
	}
	path := m.DB().Path()
	tmp := path + ".restore"
	if err := receive(tmp, r); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("cannot receive the snapshot: %w", err)
	}
	index, err := m.vet(tmp)
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("the received snapshot is refused: %w", err)
	}

	if m.opt.Swap != nil {
		m.opt.Swap.Lock()
		defer m.opt.Swap.Unlock()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	// Close waits for the transactions still open on the old file.
	if err := m.db.Close(); err != nil {
		return m.haltRestore(fmt.Errorf("cannot close the database to replace it: %w", err))
	}
	if err := os.Rename(tmp, path); err != nil {
		return m.haltRestore(fmt.Errorf("cannot put the snapshot in place: %w", err))
	}
	if err := osfile.SyncName(path); err != nil {
		return m.haltRestore(err)
	}
	db, err := m.opt.Open(path)
	if err != nil {
		return m.haltRestore(fmt.Errorf("cannot open the restored database: %w", err))
	}
	m.db = db
	m.applied.Store(index)
	m.waitMu.Lock()
	close(m.moved)
	m.moved = make(chan struct{})
	m.waitMu.Unlock()
	if m.opt.Replaced != nil {
		m.opt.Replaced(db)
	}
	if m.opt.Notify != nil {
		m.opt.Notify(index)
	}
	return nil
}

// haltRestore stops a machine left without an open file.
func (m *Machine) haltRestore(err error) error {
	h := &haltError{err: err}
	m.halted.CompareAndSwap(nil, h)
	return h
}

func receive(path string, r io.Reader) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, r)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// vet opens a received file and checks it is a cluster database the
// caller's Check accepts; it answers the file's applied index.
func (m *Machine) vet(path string) (uint64, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var index uint64
	err = db.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketClusterMeta) == nil || tx.Bucket(bucketRequests) == nil {
			return errors.New("it is not a cluster node's database")
		}
		index = readApplied(tx).Index
		return nil
	})
	if err == nil && m.opt.Check != nil {
		err = m.opt.Check(db)
	}
	return index, err
}

// copyOut copies the file to a temporary one, holding the read
// transaction only as long as the local copy takes: a reader held while a
// slow peer downloads would block a write that must grow the file's map.
func (m *Machine) copyOut() (*os.File, uint64, error) {
	snap, err := m.Snapshot()
	if err != nil {
		return nil, 0, err
	}
	defer snap.Release()
	f, err := os.CreateTemp(filepath.Dir(m.DB().Path()), ".keydesk-join-*")
	if err != nil {
		return nil, 0, err
	}
	if _, err := snap.WriteTo(f); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, 0, err
	}
	return f, snap.Index, nil
}
