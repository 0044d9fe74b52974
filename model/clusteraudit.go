package model

// The cluster's own operations are entries of the audit trail like any
// other write: who issued a join token, which node joined, who removed a
// node or handed the leadership over. They change no key or employee.
const (
	ActionClusterTokenIssued       Action = "cluster.token_issued"
	ActionClusterNodeJoined        Action = "cluster.node_joined"
	ActionClusterNodeRemoved       Action = "cluster.node_removed"
	ActionClusterLeaderTransferred Action = "cluster.leader_transferred"
)

func init() {
	for _, a := range []Action{ActionClusterTokenIssued, ActionClusterNodeJoined, ActionClusterNodeRemoved, ActionClusterLeaderTransferred} {
		replayEffects[a] = effectNone
	}
}
