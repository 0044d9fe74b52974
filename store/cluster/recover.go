package cluster

import (
	"fmt"
	"io"

	"github.com/hashicorp/raft"
)

// Recover replaces the Raft configuration in the node's log at raftDir by
// conf (peers.json), for a cluster that lost its majority: the operator
// stops every surviving node, gives each the same file, and starts them.
// Entries committed on lost nodes only are lost with them.
func Recover(raftDir, id string, m *Machine, conf raft.Configuration) error {
	stores, err := openStores(raftDir, io.Discard)
	if err != nil {
		return err
	}
	defer stores.closer.Close()
	rc := raft.DefaultConfig()
	rc.LocalID = raft.ServerID(id)
	rc.NoSnapshotRestoreOnStart = true
	_, trans := raft.NewInmemTransport("")
	if err := raft.RecoverCluster(rc, recoverFSM{&fsm{m: m}}, stores.Log, stores.Stable, stores.Snapshots, trans, conf); err != nil {
		return fmt.Errorf("recovery failed: %w", err)
	}
	return nil
}

// recoverFSM: raft.RecoverCluster persists the FSM's snapshot but never
// releases it, which would leave the snapshot's read transaction open on
// the database for good (its Close, and any growth of its map, would
// wait forever). Its snapshots release themselves once persisted.
type recoverFSM struct{ *fsm }

func (f recoverFSM) Snapshot() (raft.FSMSnapshot, error) {
	s, err := f.fsm.Snapshot()
	if err != nil {
		return nil, err
	}
	return releasing{s}, nil
}

type releasing struct{ raft.FSMSnapshot }

func (r releasing) Persist(sink raft.SnapshotSink) error {
	defer r.FSMSnapshot.Release()
	return r.FSMSnapshot.Persist(sink)
}
