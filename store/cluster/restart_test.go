package cluster

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/hashicorp/raft"
)

// TestNodeRestartsFromItsFiles: a node on raft-boltdb and its own bbolt
// file, stopped and started again, replays its log past a snapshot
// without applying an entry twice (the file's applied index), and goes on.
func TestNodeRestartsFromItsFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "keydesk.db")
	open := func() (*Machine, *Node) {
		m, err := NewMachine(openTestDB(t, path), ledger{}, MachineOptions{})
		if err != nil {
			t.Fatal(err)
		}
		_, tr := raft.NewInmemTransport("solo")
		n, err := StartNode(NodeConfig{ID: "solo", Addr: "solo", Dir: filepath.Join(dir, "keydesk.raft"), Machine: m, Transport: tr, Tune: FastTimings})
		if err != nil {
			t.Fatal(err)
		}
		return m, n
	}
	m, n := open()
	if err := n.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	write := func(n *Node, cmd string) Result {
		t.Helper()
		r, err := n.Apply(ctx, []byte(cmd))
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	for i := range 20 {
		write(n, "put a v"+string(rune('a'+i)))
		if i == 10 {
			if err := n.Raft().Snapshot().Error(); err != nil {
				t.Fatal(err)
			}
		}
	}
	_, _, headBefore := fingerprint(t, m)
	n.Shutdown()
	m.DB().Close()

	m, n = open()
	defer func() { n.Shutdown(); m.DB().Close() }()
	if _, err := n.WaitLeader(ctx); err != nil {
		t.Fatal(err)
	}
	if err := n.Barrier(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	_, _, headAfter := fingerprint(t, m)
	// The barrier and the leader's no-op move the index, nothing else.
	if !bytes.Equal(headBefore, headAfter) || ledgerRev(t, m, "a") != 20 {
		t.Fatalf("restart re-applied entries: revision %d, head moved %v", ledgerRev(t, m, "a"), !bytes.Equal(headBefore, headAfter))
	}
	if r := write(n, "put a last"); string(r.Data) != "21" {
		t.Fatalf("after restart the next put answered revision %s", r.Data)
	}
}
