package cluster

import (
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/hashicorp/raft"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Status is what cluster status shows of this node.
type Status struct {
	ID, Addr, State     string
	Leader, LeaderAddr  string
	Term, Commit, Index uint64 // Index: applied to the file
	// LastContact is the time since the leader was last heard (zero on
	// the leader itself).
	LastContact time.Duration
	// Head is the audit head at Index, hex.
	Head    string
	Servers []raft.Server
	Halted  string
	// Compared is what the last checkpoint comparison found wrong ("" when
	// every reachable voter agreed).
	Compared string
	// Schema is the file's schema, MaxSchema the newest this node's
	// keydesk knows (schema.go); 0 for an executor that does not upgrade.
	Schema, MaxSchema uint64
}

// Status reads this node's view of the cluster.
func (n *Node) Status() Status {
	addr, lid := n.raft.LeaderWithID()
	st := Status{ID: n.cfg.ID, Addr: n.cfg.Addr, State: n.raft.State().String(),
		Leader: string(lid), LeaderAddr: string(addr), Term: n.raft.CurrentTerm(), Commit: n.raft.CommitIndex(),
		Index: n.m.LastApplied()}
	if n.raft.State() != raft.Leader {
		if last := n.raft.LastContact(); !last.IsZero() {
			st.LastContact = time.Since(last)
		}
	}
	if head, err := n.m.Head(); err == nil {
		st.Head = printable(head)
	}
	st.Servers, _ = n.Servers()
	if h := n.m.Halted(); h != nil {
		st.Halted = h.Error()
	}
	if w := n.compared.Load(); w != nil {
		st.Compared = *w
	}
	st.Schema, st.MaxSchema, _ = n.m.Schemas()
	return st
}

// Detach removes the cluster's bookkeeping from a node's file, making it
// a single node's database again (cluster detach).
func Detach(tx *bolt.Tx) error {
	for _, name := range [][]byte{bucketClusterMeta, bucketRequests, bucketRequestAge, bucketTokens, bucketCheckpoints} {
		if err := tx.DeleteBucket(name); err != nil && !errors.Is(err, bolterrors.ErrBucketNotFound) {
			return err
		}
	}
	return nil
}

// printable is head as text when it is text (the store's "seq hash"),
// else in hex.
func printable(head []byte) string {
	for _, c := range head {
		if c < ' ' || c > '~' {
			return hex.EncodeToString(head)
		}
	}
	return string(head)
}

// RoleView is what a screen's header shows of the node, cheap enough to
// read at every frame (no file read, no configuration copy).
type RoleView struct {
	ID, State, Leader string
	// NoLeaderFor is how long no leader has been reachable (zero while
	// one is).
	NoLeaderFor time.Duration
	Halted      error
}

// Role reads the node's role and leader now.
func (n *Node) Role() RoleView {
	v := RoleView{ID: n.cfg.ID, State: strings.ToLower(n.raft.State().String()), Halted: n.m.Halted()}
	_, lid := n.raft.LeaderWithID()
	v.Leader = string(lid)
	if lid == "" {
		since := n.started
		if last := n.raft.LastContact(); last.After(since) {
			since = last
		}
		v.NoLeaderFor = time.Since(since)
	}
	return v
}
