package store

import (
	"fmt"
	"sync"
	"time"

	"github.com/keydesk/keydesk/model"
	bolt "go.etcd.io/bbolt"
)

// A large import on a single node is applied in chunks, each a
// transaction of its own: at commit bbolt holds in memory every page a
// transaction dirtied and its bookkeeping for every entry, which for a
// million keys in one transaction was over 500 MB. The command stays one
// command, applied by the same code as anywhere else (importkeys.go):
// only here do its chunks each commit. From the first transaction to the
// last the store's other reads and writes wait (importgate.go), and if
// the import fails midway it is taken back at once, or at the next Open
// if the process died (importprogress.go). The followers hear of it once,
// at the end.
//
// A cluster node applies an import in the one transaction its log entry
// is applied in (the machine writes the applied index in it), chunks and
// all.

// chunkedRun is an import whose chunks run after the transaction it
// began in.
type chunkedRun struct{ imp *keyImport }

// chunkedTxs are the transactions whose import runs its chunks after
// them.
var chunkedTxs sync.Map // *bolt.Tx -> *chunkedRun

func chunkedRunOf(tx *bolt.Tx) *chunkedRun {
	if v, ok := chunkedTxs.Load(tx); ok {
		return v.(*chunkedRun)
	}
	return nil
}

// importFailAfter, when set (by a test), fails an import written in
// chunks once that many chunks are on disk.
var importFailAfter int

// execImport is exec for an import: in chunks when it has more than one
// on a single node, as one command otherwise.
func (s *Store) execImport(who model.Actor, op model.Operation, args importKeysArgs) (result any, err error) {
	if uint64(args.rows().Len()) <= importChunkKeys || s.replicaNode() != nil || s.ReadOnly() || !s.single.Load() && IsClusterNode(s.path) {
		return s.exec(who, op, args)
	}
	cmd, err := s.newCommand(who, op, args)
	if err != nil {
		return nil, err
	}
	defer s.observeOperation(op, time.Now(), &err)
	if err = s.CheckSound(); err != nil {
		return nil, err
	}
	var again bool
	if again, err = s.refusedAgain(cmd); again {
		return nil, err
	}
	if err := s.refuseIfGone(); err != nil {
		return nil, err
	}
	s.single.Store(true)

	s.db.gate.close()
	defer s.db.gate.open()
	update := func(fn func(*bolt.Tx) error) error {
		return s.guard(func() error { return s.db.updateClosed(fn) })
	}
	run := &chunkedRun{}
	err = update(func(tx *bolt.Tx) error {
		chunkedTxs.Store(tx, run)
		defer chunkedTxs.Delete(tx)
		run.imp = nil // a transaction run again starts afresh
		var err error
		result, err = s.apply(tx, cmd)
		return err
	})
	if err != nil {
		if run.imp != nil {
			run.imp.stopBuilding() // begun, not committed
		}
		return nil, err
	}
	if run.imp != nil {
		chunks := 0
		err := run.imp.writeAll(func(fn func(*bolt.Tx) error) error {
			if importFailAfter > 0 && chunks == importFailAfter {
				return fmt.Errorf("the import failed after %d chunks (a test)", chunks)
			}
			chunks++
			return update(fn)
		})
		run.imp = nil // what it held goes before the rollback runs
		if err != nil {
			if rerr := rollBackImport(update); rerr != nil {
				return nil, fmt.Errorf("%w; taking back what it wrote failed too (%v): it is taken back when the database is next opened", err, rerr)
			}
			return nil, err
		}
	}
	if err := s.CheckFile(); err != nil {
		return nil, err
	}
	all := &changeSet{}
	all.markAll()
	s.publish(all)
	s.notify()
	if r, ok := result.(committedRefusal); ok {
		return r.value, r.err
	}
	return result, nil
}
