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
	if err := raft.RecoverCluster(rc, &fsm{m: m}, stores.Log, stores.Stable, stores.Snapshots, trans, conf); err != nil {
		return fmt.Errorf("recovery failed: %w", err)
	}
	return nil
}
