package cluster

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/hashicorp/raft"
)

// MemNetwork joins nodes of one process: Raft over raft's in-memory
// transport and forwarding as direct calls. Tests use it to run a cluster
// in milliseconds, and to cut links.
type MemNetwork struct {
	mu    sync.Mutex
	trans map[raft.ServerAddress]*raft.InmemTransport
	nodes map[raft.ServerAddress]*Node
	cut   map[[2]raft.ServerAddress]bool
}

func NewMemNetwork() *MemNetwork {
	return &MemNetwork{trans: map[raft.ServerAddress]*raft.InmemTransport{},
		nodes: map[raft.ServerAddress]*Node{}, cut: map[[2]raft.ServerAddress]bool{}}
}

// Transport is a new transport at addr, connected to every other one.
func (n *MemNetwork) Transport(addr string) raft.Transport {
	n.mu.Lock()
	defer n.mu.Unlock()
	a := raft.ServerAddress(addr)
	_, tr := raft.NewInmemTransport(a)
	for other, t := range n.trans {
		if other != a && !n.cut[[2]raft.ServerAddress{a, other}] {
			tr.Connect(other, t)
			t.Connect(a, tr)
		}
	}
	n.trans[a] = tr
	return tr
}

// Attach lets forwarded requests reach node at addr.
func (n *MemNetwork) Attach(addr string, node *Node) {
	n.mu.Lock()
	n.nodes[raft.ServerAddress(addr)] = node
	n.mu.Unlock()
}

// Crash takes addr off the network (its node is shut down by the caller).
func (n *MemNetwork) Crash(addr string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	a := raft.ServerAddress(addr)
	delete(n.nodes, a)
	delete(n.trans, a)
	for _, t := range n.trans {
		t.Disconnect(a)
	}
}

// Cut cuts (or heals) the links between a and b, both ways.
func (n *MemNetwork) Cut(a, b string, cut bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	x, y := raft.ServerAddress(a), raft.ServerAddress(b)
	n.cut[[2]raft.ServerAddress{x, y}], n.cut[[2]raft.ServerAddress{y, x}] = cut, cut
	tx, ty := n.trans[x], n.trans[y]
	if tx == nil || ty == nil {
		return
	}
	if cut {
		tx.Disconnect(y)
		ty.Disconnect(x)
	} else {
		tx.Connect(y, ty)
		ty.Connect(x, tx)
	}
}

// Forwarder is the forwarding of the node at from.
func (n *MemNetwork) Forwarder(from string) Forwarder { return memForward{n, raft.ServerAddress(from)} }

type memForward struct {
	n    *MemNetwork
	from raft.ServerAddress
}

var errMemUnreachable = errors.New("connection refused")

func (f memForward) Forward(ctx context.Context, leader raft.ServerAddress, req Request) (Reply, error) {
	f.n.mu.Lock()
	node := f.n.nodes[leader]
	cut := f.n.cut[[2]raft.ServerAddress{f.from, leader}]
	f.n.mu.Unlock()
	if node == nil || cut {
		return Reply{}, errMemUnreachable
	}
	if req.Kind == KindCheckpoints {
		return node.serveCheckpoints(), nil
	}
	if req.Kind == KindSchema {
		return node.serveSchema(), nil
	}
	if req.Kind == KindUpgrade {
		return Reply{Err: "an upgrade is proposed by the leader only"}, nil
	}
	return node.Lead(ctx, req), nil
}

// FastTimings are Raft timeouts for a cluster in one process (raft's own
// tests use the same): elections in tens of milliseconds.
func FastTimings(c *raft.Config) {
	c.HeartbeatTimeout = 50 * time.Millisecond
	c.ElectionTimeout = 50 * time.Millisecond
	c.LeaderLeaseTimeout = 50 * time.Millisecond
	c.CommitTimeout = 5 * time.Millisecond
}
