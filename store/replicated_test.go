package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/raft"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/cluster"
	"github.com/keydesk/keydesk/store/secrets"
	bolt "go.etcd.io/bbolt"
)

// storeCluster is three real stores as the state machines of a cluster
// in this process (raft's in-memory transport).
type storeCluster struct {
	t      *testing.T
	net    *cluster.MemNetwork
	stores []*Store
	mach   []*cluster.Machine
	nodes  []*cluster.Node
	raft   []*cluster.Stores
	up     []bool
	mu     sync.Mutex
}

func nodeAddr(i int) string { return fmt.Sprintf("n%d", i) }

// clusterRetryFor bounds a write's attempts in the test clusters.
var clusterRetryFor = 5 * time.Second

// newStoreCluster: node 0's file is made as a single node's, then copied
// with its key file to the others (what a join receives as a snapshot).
func newStoreCluster(t *testing.T, n int, opts ...cluster.MachineOptions) *storeCluster {
	setup := clusterSetup{nodes: n}
	if len(opts) > 0 {
		setup.machine = opts[0]
	}
	return newStoreClusterOf(t, setup)
}

// clusterSetup is how a test cluster starts.
type clusterSetup struct {
	nodes     int
	machine   cluster.MachineOptions
	schemaCap uint64 // Options.schemaCap of every node; 0: today's schema
	// marked: every file says it is a cluster node's (its address file)
	// before it is first opened, so that Open treats it as one.
	marked bool
}

func newStoreClusterOf(t *testing.T, setup clusterSetup) *storeCluster {
	dir := t.TempDir()
	first := filepath.Join(dir, "0", "keydesk.db")
	os.MkdirAll(filepath.Dir(first), 0o700)
	s0, err := Open(first, Options{NoSync: true, schemaCap: setup.schemaCap})
	if err != nil {
		t.Fatal(err)
	}
	c := &storeCluster{t: t, net: cluster.NewMemNetwork()}
	s0.Close()
	data, _ := os.ReadFile(first)
	key, _ := os.ReadFile(secrets.KeyPath(first))
	var servers []raft.Server
	for i := range setup.nodes {
		path := filepath.Join(dir, fmt.Sprint(i), "keydesk.db")
		if i > 0 {
			os.MkdirAll(filepath.Dir(path), 0o700)
			os.WriteFile(path, data, 0o600)
			os.WriteFile(secrets.KeyPath(path), key, 0o600)
		}
		if setup.marked {
			_, tlsDir := ClusterDirs(path)
			os.MkdirAll(tlsDir, 0o700)
			os.WriteFile(filepath.Join(tlsDir, clusterAddrFile), []byte(nodeAddr(i)+"\n"), 0o600)
		}
		servers = append(servers, raft.Server{ID: raft.ServerID(fmt.Sprint(i)), Address: raft.ServerAddress(nodeAddr(i))})
	}
	for i := range setup.nodes {
		s, err := Open(filepath.Join(dir, fmt.Sprint(i), "keydesk.db"), Options{NoSync: true, schemaCap: setup.schemaCap})
		if err != nil {
			t.Fatal(err)
		}
		m, err := s.Replicate(setup.machine)
		if err != nil {
			t.Fatal(err)
		}
		c.stores = append(c.stores, s)
		c.mach = append(c.mach, m)
		c.raft = append(c.raft, cluster.NewMemoryStores())
		c.nodes = append(c.nodes, nil)
		c.up = append(c.up, false)
		c.start(i)
	}
	if err := c.nodes[0].Bootstrap(servers...); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for i, node := range c.nodes {
			if c.up[i] {
				node.Shutdown()
			}
			c.stores[i].Close()
		}
	})
	return c
}

func (c *storeCluster) start(i int) {
	s := c.stores[i]
	node, err := cluster.StartNode(cluster.NodeConfig{
		ID: fmt.Sprint(i), Addr: nodeAddr(i), Stores: c.raft[i], Machine: c.mach[i],
		Transport: c.net.Transport(nodeAddr(i)), Forwarder: c.net.Forwarder(nodeAddr(i)),
		Stamp: s.Stamp, Tune: cluster.FastTimings, RetryFor: clusterRetryFor, ApplyTimeout: time.Second,
		CheckEvery: -1, // tests compare checkpoints when they mean to
	})
	if err != nil {
		c.t.Fatal(err)
	}
	c.net.Attach(nodeAddr(i), node)
	s.ServeCluster(node)
	c.mu.Lock()
	c.nodes[i], c.up[i] = node, true
	c.mu.Unlock()
}

func (c *storeCluster) kill(i int) {
	c.mu.Lock()
	c.up[i] = false
	c.mu.Unlock()
	c.net.Crash(nodeAddr(i))
	c.nodes[i].Shutdown()
}

func (c *storeCluster) leader() int {
	for range 500 {
		for i, n := range c.nodes {
			if c.up[i] && n.IsLeader() {
				return i
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	c.t.Fatal("no leader")
	return -1
}

// settle waits for every running node to apply the leader's log and
// checks that all of them hold the same audit chain and the same data.
func (c *storeCluster) settle() model.AuditAnchor {
	c.t.Helper()
	// Fast timings on a loaded machine: leadership may move during the
	// barrier; the next leader's barrier settles as well.
	l, err := -1, error(nil)
	for range 20 {
		l = c.leader()
		if err = c.nodes[l].Barrier(5 * time.Second); err == nil {
			break
		}
	}
	if err != nil {
		c.t.Fatal(err)
	}
	want := c.mach[l].LastApplied()
	_, wantSum, _ := c.mach[l].Fingerprint()
	wantHead, err := c.stores[l].AuditHead()
	if err != nil {
		c.t.Fatal(err)
	}
	for i, s := range c.stores {
		if !c.up[i] {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := c.mach[i].WaitApplied(ctx, want)
		cancel()
		if err != nil {
			c.t.Fatalf("node %d at %d, leader at %d", i, c.mach[i].LastApplied(), want)
		}
		head, err := s.AuditHead()
		if err != nil {
			c.t.Fatal(err)
		}
		_, sum, _ := c.mach[i].Fingerprint()
		if head != wantHead || !bytes.Equal(sum, wantSum) {
			c.t.Fatalf("node %d: head %d %x, leader's %d %x (data equal: %v)", i, head.Seq, head.Hash, wantHead.Seq, wantHead.Hash, bytes.Equal(sum, wantSum))
		}
		if _, err := s.VerifyAudit(); err != nil {
			c.t.Fatalf("node %d: audit verify: %v", i, err)
		}
	}
	return wantHead
}

func keyRows(serials ...string) []KeyRow {
	var rows []KeyRow
	for i, s := range serials {
		rows = append(rows, KeyRow{Line: i + 2, KeyInput: model.KeyInput{Serial: s}})
	}
	return rows
}

func TestClusterStoresApplyTheSameCommands(t *testing.T) {
	c := newStoreCluster(t, 3)
	l := c.leader()
	f1, f2 := (l+1)%3, (l+2)%3
	if _, err := c.stores[f1].ImportKeys(tAdmin, keyRows("K1", "K2", "K3")); err != nil {
		t.Fatal(err)
	}
	added, err := c.stores[f2].AddEmployee(tAdmin, model.EmployeeInput{FirstName: "Ann", LastName: "Lee", Email: "ann@example.com"}, "K1")
	if err != nil {
		t.Fatal(err)
	}
	if added.Code == nil || len(added.Code.Digits) != 6 {
		t.Fatalf("the code did not come back to the follower that asked: %+v", added)
	}
	// Read-your-writes: the asking follower shows its own write at once.
	if k, err := c.stores[f2].Key("K1"); err != nil || k.Status != model.Reserved {
		t.Fatalf("follower reads K1 as %v %v", k.Status, err)
	}
	// The code is the same on every node: typed on the leader, it activates.
	if _, err := c.stores[l].DeviceEnterCode(tAdmin, "K1", "000000"); err == nil {
		t.Fatal("a wrong code was accepted")
	}
	k, err := c.stores[l].DeviceEnterCode(tAdmin, "K1", added.Code.Digits)
	if err != nil || k.Status != model.Active {
		t.Fatalf("the code issued through a follower did not activate on the leader: %v %v", k.Status, err)
	}
	// A refusal comes back as one, with its kind.
	_, err = c.stores[f1].AddEmployee(tAdmin, model.EmployeeInput{FirstName: "Bob", Email: "ann@example.com"}, "")
	if err == nil || !model.IsRefusal(err) && !isField(err) {
		t.Fatalf("a duplicate e-mail through a follower: %v", err)
	}
	c.settle()
}

func isField(err error) bool {
	var f *model.FieldError
	return errors.As(err, &f)
}

func TestClusterStoresSurviveLeaderLoss(t *testing.T) {
	c := newStoreCluster(t, 3)
	var serials []string
	for i := range 24 {
		serials = append(serials, fmt.Sprintf("S%02d", i))
	}
	if _, err := c.stores[0].ImportKeys(tAdmin, keyRows(serials...)); err != nil {
		t.Fatal(err)
	}
	type issued struct{ serial, code string }
	var mu sync.Mutex
	var codes []issued
	unknown := 0
	var wg sync.WaitGroup
	half := make(chan struct{}, 4)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 6 {
				if i == 2 {
					half <- struct{}{}
				}
				serial := serials[w*6+i]
				c.mu.Lock()
				s := c.stores[(w+i)%3]
				if !c.up[(w+i)%3] {
					s = c.stores[(w+i+1)%3]
				}
				c.mu.Unlock()
				added, err := s.AddEmployee(tAdmin, model.EmployeeInput{FirstName: "E", LastName: serial, Email: serial + "@example.com"}, serial)
				mu.Lock()
				if err != nil {
					unknown++
				} else {
					codes = append(codes, issued{serial, added.Code.Digits})
				}
				mu.Unlock()
			}
		}()
	}
	for range 4 {
		<-half
	}
	old := c.leader()
	c.kill(old)
	time.Sleep(200 * time.Millisecond)
	c.start(old)
	wg.Wait()
	c.settle()
	t.Logf("%d assignments acknowledged, %d not", len(codes), unknown)
	if len(codes) < 20 {
		t.Fatalf("only %d of 24 writes acknowledged", len(codes))
	}
	// Every acknowledged code is the key's code on every node.
	for _, is := range codes {
		for i, s := range c.stores {
			var k model.Key
			err := s.db.View(func(tx *bolt.Tx) error {
				var err error
				k, err = s.keyBySerial(tx, is.serial)
				return err
			})
			if err != nil || k.Code == nil || k.Code.Digits != is.code {
				t.Fatalf("node %d: key %s holds %+v, acknowledged code %s (%v)", i, is.serial, k.Code, is.code, err)
			}
		}
	}
}
