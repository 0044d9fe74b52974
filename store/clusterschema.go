package store

import "fmt"

// A cluster node's database is upgraded to a newer schema only through
// the log, on every node at the same index (design 4.13), which is not
// built yet. Upgraded by Open on one node alone, its migration's writes
// and audit entries would exist there only: its trail would fork from the
// others' (and the checkpoint comparison would stop it). So Open refuses.
func (s *Store) refuseClusterUpgrade(from uint64) error {
	if from == 0 || from >= schemaVersion || !IsClusterNode(s.path) {
		return nil
	}
	return fmt.Errorf("the database %s is a cluster node's, of schema %d: this keydesk would upgrade it to schema %d on this node alone, "+
		"and its audit trail would fork from the other nodes' (upgrades through the cluster's log are not built yet). "+
		"Run the keydesk that wrote it; or stop every node, take the most advanced one back to one file (keydesk cluster detach), "+
		"upgrade it, and make a new cluster from it; nothing was changed", s.path, from, schemaVersion)
}
