package cluster

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/raft"
	"github.com/keydesk/keydesk/store/secrets"
)

// netNode is a node on a real TLS cluster port on 127.0.0.1.
type netNode struct {
	node *Node
	port *Port
	m    *Machine
}

func startNet(t *testing.T, id string, ident *Identity, box Sealer) *netNode {
	t.Helper()
	m := newTestMachine(t, ledger{}, MachineOptions{})
	node, port, err := StartNetNode(NetConfig{ID: id, Listen: "127.0.0.1:0", Identity: ident, Machine: m, Box: box,
		Stores: NewMemoryStores(), Tune: tlsTimings})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { node.Shutdown() })
	return &netNode{node, port, m}
}

// tlsTimings: real sockets and TLS under the race detector need more
// slack than the in-memory transport.
func tlsTimings(c *raft.Config) {
	c.HeartbeatTimeout = 300 * time.Millisecond
	c.ElectionTimeout = 300 * time.Millisecond
	c.LeaderLeaseTimeout = 150 * time.Millisecond
	c.CommitTimeout = 5 * time.Millisecond
}

func testBox(t *testing.T) *secrets.Box {
	t.Helper()
	box, err := secrets.Create(filepath.Join(t.TempDir(), "keydesk.key"))
	if err != nil {
		t.Fatal(err)
	}
	return box
}

func TestClusterOverMutualTLS(t *testing.T) {
	ca, err := NewCA()
	if err != nil {
		t.Fatal(err)
	}
	box := testBox(t)
	ident, err := NewIdentity(ca, "a")
	if err != nil {
		t.Fatal(err)
	}
	a := startNet(t, "a", ident, box)
	if err := a.node.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := a.node.WaitLeader(ctx); err != nil {
		t.Fatal(err)
	}
	fp := Fingerprint(ca.Cert)

	// b and c join with one-time tokens, proving they hold the key file.
	var nodes = []*netNode{a}
	for _, id := range []string{"b", "c"} {
		token, err := a.node.CreateJoinToken(ctx, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		// Listen first to know the address the others will dial.
		port, err := Listen("127.0.0.1:0", ident, nil) // placeholder identity, replaced below
		if err != nil {
			t.Fatal(err)
		}
		addr := port.Addr().String()
		port.Close()
		path := filepath.Join(t.TempDir(), "keydesk.db")
		file, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		joined, err := Join(ctx, a.port.Addr().String(), fp, token, id, addr, box, file)
		file.Close()
		if err != nil {
			t.Fatalf("join %s: %v", id, err)
		}
		m, err := NewMachine(openTestDB(t, path), ledger{}, MachineOptions{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { m.DB().Close() })
		if m.LastApplied() != joined.Index || joined.Index == 0 {
			t.Fatalf("joined at %d, file at %d", joined.Index, m.LastApplied())
		}
		node, p, err := StartNetNode(NetConfig{ID: id, Listen: addr, Identity: joined.Identity, Machine: m, Box: box, Stores: NewMemoryStores(), Tune: tlsTimings})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { node.Shutdown() })
		if err := node.AskVoter(ctx, joined.Index); err != nil {
			t.Fatalf("%s asking to vote: %v", id, err)
		}
		nodes = append(nodes, &netNode{node, p, m})
		// The token works once.
		if _, err := Join(ctx, a.port.Addr().String(), fp, token, id+"2", "127.0.0.1:1", box, nil); err == nil || !strings.Contains(err.Error(), "already used") {
			t.Fatalf("a spent token joined again: %v", err)
		}
	}

	// Writes through every node, forwarded over TLS to the leader.
	for i, n := range nodes {
		r, err := n.node.Apply(ctx, []byte("code k"+string(rune('0'+i))))
		if err != nil || len(r.Data) != 6 {
			t.Fatalf("write through %s: %+v %v", n.node.ID(), r, err)
		}
	}
	var lead *netNode
	for lead == nil {
		for _, n := range nodes {
			if n.node.IsLeader() {
				lead = n
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := lead.node.Barrier(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	_, want, _ := fingerprint(t, lead.m)
	for _, n := range nodes {
		if err := n.m.WaitApplied(ctx, lead.m.LastApplied()); err != nil {
			t.Fatal(err)
		}
		if _, got, _ := fingerprint(t, n.m); string(got) != string(want) {
			t.Fatalf("node %s differs", n.node.ID())
		}
	}

	// A node without the key file cannot join, even with a good token.
	token, _ := a.node.CreateJoinToken(ctx, time.Hour)
	if _, err := Join(ctx, a.port.Addr().String(), fp, token, "x", "127.0.0.1:1", testBox(t), nil); err == nil || !strings.Contains(err.Error(), "key file") {
		t.Fatalf("a node with another key file: %v", err)
	}
	// A wrong CA fingerprint is refused before anything is sent.
	if _, err := Join(ctx, a.port.Addr().String(), "SHA256:wrong", token, "x", "127.0.0.1:1", box, nil); err == nil {
		t.Fatal("joined a cluster whose CA does not match the pin")
	}

	// A removed node's certificate no longer opens the port.
	if err := lead.node.RemoveServer("c"); err != nil {
		t.Fatal(err)
	}
	c := nodes[2]
	if _, err := c.port.dial(a.port.Addr().String(), protoForward, time.Second); err == nil {
		// TLS 1.3 client handshakes complete before the server's verdict;
		// the first read shows it.
		conn, _ := c.port.dial(a.port.Addr().String(), protoForward, time.Second)
		if conn != nil {
			conn.SetDeadline(time.Now().Add(time.Second))
			writeRequest(conn, Request{Kind: KindCommand, ID: NewRequestID(), Body: []byte("put z 1")})
			if _, err := readReply(conn); err == nil {
				t.Fatal("a removed node still forwards writes")
			}
		}
	}
	// And a client without a certificate cannot speak Raft.
	if _, err := (&Port{id: &Identity{CA: ca.Cert}, member: nil}).Dial(raft.ServerAddress(a.port.Addr().String()), time.Second); err == nil {
		conn, _ := (&Port{id: &Identity{CA: ca.Cert}}).dial(a.port.Addr().String(), protoRaft, time.Second)
		if conn != nil {
			conn.SetDeadline(time.Now().Add(time.Second))
			if _, err := conn.Read(make([]byte, 1)); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
				t.Fatal("a client without a certificate was let in")
			}
		}
	}
}
