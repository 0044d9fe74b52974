package cluster

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/raft"
	bolt "go.etcd.io/bbolt"
)

// memCluster is n nodes in this process over raft's in-memory transport,
// with forwarding as direct calls that a test can cut.
type memCluster struct {
	t      *testing.T
	nodes  []*Node
	trans  []*raft.InmemTransport
	stores []*Stores
	mach   []*Machine
	down   []bool

	mu  sync.Mutex
	cut map[[2]int]bool // forwarding link from -> to is down

	upgradeEvery time.Duration // NodeConfig.UpgradeEvery (0: its default)
}

func fastRaft(c *raft.Config) {
	c.HeartbeatTimeout = 50 * time.Millisecond
	c.ElectionTimeout = 50 * time.Millisecond
	c.LeaderLeaseTimeout = 50 * time.Millisecond
	c.CommitTimeout = 5 * time.Millisecond
}

func addrOf(i int) raft.ServerAddress { return raft.ServerAddress(fmt.Sprintf("node%d", i)) }

func newMemCluster(t *testing.T, n int, exec func() Executor) *memCluster {
	return startMemCluster(&memCluster{t: t, cut: map[[2]int]bool{}}, n, exec)
}

// startMemCluster is newMemCluster with c's settings.
func startMemCluster(c *memCluster, n int, exec func() Executor) *memCluster {
	t := c.t
	var servers []raft.Server
	for i := range n {
		c.mach = append(c.mach, newTestMachine(t, exec(), MachineOptions{}))
		c.stores = append(c.stores, NewMemoryStores())
		c.nodes = append(c.nodes, nil)
		c.trans = append(c.trans, nil)
		c.down = append(c.down, true)
		servers = append(servers, raft.Server{ID: raft.ServerID(fmt.Sprint(i)), Address: addrOf(i)})
	}
	for i := range n {
		c.start(i)
	}
	if err := c.nodes[0].Bootstrap(servers...); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for i := range c.nodes {
			if !c.down[i] {
				c.nodes[i].Shutdown()
			}
		}
	})
	return c
}

// start (re)starts node i on its machine and Raft storage.
func (c *memCluster) start(i int) {
	_, tr := raft.NewInmemTransport(addrOf(i))
	c.trans[i] = tr
	for j := range c.trans {
		if j != i && c.trans[j] != nil && !c.down[j] {
			tr.Connect(addrOf(j), c.trans[j])
			c.trans[j].Connect(addrOf(i), tr)
		}
	}
	node, err := StartNode(NodeConfig{
		ID: fmt.Sprint(i), Addr: string(addrOf(i)), Stores: c.stores[i], Machine: c.mach[i],
		Transport: tr, Forwarder: memForwarder{c, i}, Tune: fastRaft,
		RetryFor: 5 * time.Second, ApplyTimeout: time.Second, UpgradeEvery: c.upgradeEvery,
	})
	if err != nil {
		c.t.Fatal(err)
	}
	c.mu.Lock()
	c.nodes[i] = node
	c.down[i] = false
	c.mu.Unlock()
}

// running is node i, or the next one up when i is down.
func (c *memCluster) running(i int) *Node {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range len(c.nodes) {
		if j := (i + k) % len(c.nodes); !c.down[j] {
			return c.nodes[j]
		}
	}
	return c.nodes[i]
}

// kill stops node i as a crash would (its files stay).
func (c *memCluster) kill(i int) {
	c.mu.Lock()
	c.down[i] = true
	c.mu.Unlock()
	c.nodes[i].Shutdown()
	for j := range c.trans {
		if j != i && c.trans[j] != nil {
			c.trans[j].Disconnect(addrOf(i))
		}
	}
}

// partition cuts node i from every other node, both Raft and forwarding.
func (c *memCluster) partition(i int, cut bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for j := range c.trans {
		if j == i || c.down[j] {
			continue
		}
		c.cut[[2]int{i, j}], c.cut[[2]int{j, i}] = cut, cut
		if cut {
			c.trans[i].Disconnect(addrOf(j))
			c.trans[j].Disconnect(addrOf(i))
		} else {
			c.trans[i].Connect(addrOf(j), c.trans[j])
			c.trans[j].Connect(addrOf(i), c.trans[i])
		}
	}
}

func (c *memCluster) leader() int {
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		for i, n := range c.nodes {
			if !c.down[i] && n.IsLeader() {
				return i
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	c.t.Fatal("no leader within 5 s")
	return -1
}

type memForwarder struct {
	c    *memCluster
	from int
}

func (f memForwarder) Forward(ctx context.Context, leader raft.ServerAddress, req Request) (Reply, error) {
	var to int
	fmt.Sscanf(string(leader), "node%d", &to)
	f.c.mu.Lock()
	cut := f.c.cut[[2]int{f.from, to}] || f.c.down[to]
	node := f.c.nodes[to]
	f.c.mu.Unlock()
	if cut {
		return Reply{}, errors.New("connection refused")
	}
	if req.Kind == KindSchema {
		return node.serveSchema(), nil
	}
	return node.Lead(ctx, req), nil
}

// settle waits until every running node has applied the leader's log,
// then checks that all files are logically identical.
func (c *memCluster) settle() (index uint64, head []byte) {
	c.t.Helper()
	l := c.leader()
	if err := c.nodes[l].Barrier(5 * time.Second); err != nil {
		c.t.Fatal(err)
	}
	want := c.mach[l].LastApplied()
	_, wantSum, wantHead := fingerprint(c.t, c.mach[l])
	for i, m := range c.mach {
		if c.down[i] {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := m.WaitApplied(ctx, want)
		cancel()
		if err != nil {
			c.t.Fatalf("node %d stuck at %d, leader at %d", i, m.LastApplied(), want)
		}
		got, sum, head := fingerprint(c.t, m)
		if got != want || !bytes.Equal(sum, wantSum) || !bytes.Equal(head, wantHead) {
			c.t.Fatalf("node %d at %d head %x differs from leader %d at %d head %x", i, got, head, l, want, wantHead)
		}
	}
	return want, wantHead
}

func TestWritesFromAnyNodeReachEveryNode(t *testing.T) {
	c := newMemCluster(t, 3, func() Executor { return ledger{} })
	l := c.leader()
	follower := (l + 1) % 3
	r, err := c.nodes[follower].Apply(context.Background(), []byte("code alice"))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Data) != 6 || r.Refused {
		t.Fatalf("forwarded code: %+v", r)
	}
	// Read-your-writes: the follower's own file holds it on return.
	if c.mach[follower].LastApplied() < r.Index {
		t.Fatalf("follower at %d after its write at %d", c.mach[follower].LastApplied(), r.Index)
	}
	refused, err := c.nodes[follower].Apply(context.Background(), []byte("cas alice 7 x"))
	if err != nil || !refused.Refused {
		t.Fatalf("stale write through a follower: %+v %v", refused, err)
	}
	c.settle()
}

// TestLeaderLossWithWritesInFlight: writers on every node keep writing
// while the leader is killed, and later restarted; each writer's puts to
// its own key must be applied exactly once each, in order, on every node.
func TestLeaderLossWithWritesInFlight(t *testing.T) {
	c := newMemCluster(t, 3, func() Executor { return ledger{} })
	const writers, each = 6, 40
	type ack struct {
		rev     uint64
		unknown bool
	}
	acks := make([][]ack, writers)
	var wg sync.WaitGroup
	started := make(chan struct{}, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if i == 5 {
					started <- struct{}{}
				}
				node := c.running(w + i)
				r, err := node.Apply(context.Background(), fmt.Appendf(nil, "put w%d v%d", w, i))
				switch {
				case errors.Is(err, ErrOutcomeUnknown):
					acks[w] = append(acks[w], ack{unknown: true})
				case err != nil:
					acks[w] = append(acks[w], ack{unknown: true}) // a node shut down under it
				default:
					rev, _ := strconv.ParseUint(string(r.Data), 10, 64)
					acks[w] = append(acks[w], ack{rev: rev})
				}
			}
		}()
	}
	for range writers {
		<-started
	}
	old := c.leader()
	c.kill(old)
	time.Sleep(300 * time.Millisecond)
	c.start(old) // it rejoins and catches up from its own file and log
	wg.Wait()
	c.settle()

	unknown := 0
	for w := range writers {
		var last uint64
		for i, a := range acks[w] {
			if a.unknown {
				unknown++
				continue
			}
			// Each acknowledged put follows the one before: a retried
			// request applied twice would skip a revision.
			if a.rev <= last || (i > 0 && !acks[w][i-1].unknown && a.rev != last+1) {
				t.Fatalf("writer %d put %d answered revision %d after %d", w, i, a.rev, last)
			}
			last = a.rev
		}
		// Every node holds the last acknowledged revision or a later one.
		for n, m := range c.mach {
			got := ledgerRev(t, m, fmt.Sprintf("w%d", w))
			if got < last || got > uint64(each) {
				t.Fatalf("node %d holds revision %d of w%d, acknowledged %d", n, got, w, last)
			}
		}
	}
	t.Logf("%d writes, %d with an unknown outcome", writers*each, unknown)
	if unknown > writers {
		t.Fatalf("%d writes of unknown outcome: retries with the same id should settle nearly all", unknown)
	}
}

func TestPartitionedLeaderStepsDownAndHeals(t *testing.T) {
	c := newMemCluster(t, 3, func() Executor { return ledger{} })
	old := c.leader()
	c.partition(old, true)
	// The majority elects another leader and takes writes.
	deadline := time.Now().Add(5 * time.Second)
	other := (old + 1) % 3
	for {
		if _, id := c.nodes[other].Raft().LeaderWithID(); id != "" && id != raft.ServerID(fmt.Sprint(old)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the majority elected no leader")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := c.nodes[other].Apply(context.Background(), []byte("put x 1")); err != nil {
		t.Fatal(err)
	}
	// The cut-off node cannot write: a minority is read-only.
	short, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	_, err := c.nodes[old].Apply(short, []byte("put y 1"))
	cancel()
	if err == nil {
		t.Fatal("a partitioned node accepted a write")
	}
	c.partition(old, false)
	c.settle()
	if got := ledgerRev(t, c.mach[old], "x"); got != 1 {
		t.Fatalf("healed node holds x at revision %d", got)
	}
}

func TestLaggingNodeCatchesUpBySnapshot(t *testing.T) {
	c := newMemCluster(t, 3, func() Executor { return ledger{} })
	l := c.leader()
	lag := (l + 1) % 3
	c.kill(lag)
	// The leader keeps almost no log after a snapshot: the lagging node
	// can only catch up by receiving the file.
	rc := c.nodes[l].Raft().ReloadableConfig()
	rc.TrailingLogs, rc.SnapshotInterval, rc.SnapshotThreshold = 1, time.Hour, 1<<20
	if err := c.nodes[l].Raft().ReloadConfig(rc); err != nil {
		t.Fatal(err)
	}
	for i := range 30 {
		if _, err := c.nodes[l].Apply(context.Background(), fmt.Appendf(nil, "put k%d v", i%4)); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.nodes[l].Raft().Snapshot().Error(); err != nil {
		t.Fatal(err)
	}
	before := c.mach[lag].LastApplied()
	c.start(lag)
	c.settle()
	if c.mach[lag].LastApplied() <= before {
		t.Fatal("the lagging node did not move")
	}
}

func ledgerRev(t *testing.T, m *Machine, key string) uint64 {
	t.Helper()
	var rev uint64
	m.DB().View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketKV); b != nil {
			if v := b.Get([]byte(key)); len(v) >= 8 {
				rev = binary.BigEndian.Uint64(v)
			}
		}
		return nil
	})
	return rev
}
