package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/raft"
	raftboltdb "github.com/hashicorp/raft-boltdb/v2"
	bolt "go.etcd.io/bbolt"
)

// NodeConfig says how to run one node.
type NodeConfig struct {
	// ID names the node in the Raft configuration; Addr is its cluster
	// address as the other nodes dial it.
	ID, Addr string
	// Dir holds raft.db (the log, raft-boltdb) and snapshots/. Empty: the
	// log lives in Stores (tests).
	Dir    string
	Stores *Stores

	Machine   *Machine
	Transport raft.Transport
	// Forwarder carries a follower's writes to the leader.
	Forwarder Forwarder

	// Stamp lets the store fill what the leader decides for a command
	// before it enters the log (its time, a sealed random seed). Nil
	// leaves the command as it is; the envelope carries the time anyway.
	Stamp func(id RequestID, cmd []byte, now time.Time) ([]byte, error)
	// Now is the clock the leader stamps entries with.
	Now func() time.Time

	// ApplyTimeout bounds one attempt on the leader (default 5 s);
	// RetryFor bounds all attempts of one request (default 10 s, design
	// 4.7); ReadYourWrites bounds the wait for a forwarded write to reach
	// this node's file (default 2 s).
	ApplyTimeout, RetryFor, ReadYourWrites time.Duration

	// Tune changes Raft's configuration (tests make it fast).
	Tune func(*raft.Config)
	// Log receives Raft's own log lines (default: discarded).
	Log io.Writer
	// OnHalt is told once when the machine halts; Raft is shut down
	// first. The serve command exits with the message.
	OnHalt func(error)
	// UseToken, when set, spends a joiner's token through the store (a
	// command with its audit entry); nil spends it with a cluster entry.
	UseToken func(ctx context.Context, token, node, addr string) error
	// CheckEvery is how often the node compares its audit checkpoints
	// with its peers' (default 1 minute; negative: never, tests call
	// CompareCheckpoints).
	CheckEvery time.Duration
	// UpgradeEvery is how often the leader asks the voters which schema
	// their binaries know, and proposes an upgrade when all know a newer
	// one than the file's (schema.go; default 10 seconds; negative: never,
	// tests call ProposeUpgrade).
	UpgradeEvery time.Duration
}

// Stores is Raft's own storage, kept across an in-process restart.
type Stores struct {
	Log       raft.LogStore
	Stable    raft.StableStore
	Snapshots raft.SnapshotStore
	closer    io.Closer
}

// NewMemoryStores is Raft storage in memory, for tests.
func NewMemoryStores() *Stores {
	mem := raft.NewInmemStore()
	return &Stores{Log: mem, Stable: mem, Snapshots: raft.NewInmemSnapshotStore()}
}

// openStores opens dir/raft.db and dir/snapshots (2 kept).
func openStores(dir string, logOut io.Writer) (*Stores, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	bs, err := raftboltdb.New(raftboltdb.Options{Path: filepath.Join(dir, "raft.db"), BoltOptions: &bolt.Options{Timeout: time.Second}})
	if err != nil {
		return nil, fmt.Errorf("cannot open the raft log in %s: %w", dir, err)
	}
	snaps, err := raft.NewFileSnapshotStore(dir, 2, logOut)
	if err != nil {
		bs.Close()
		return nil, err
	}
	cached, err := raft.NewLogCache(512, bs)
	if err != nil {
		bs.Close()
		return nil, err
	}
	return &Stores{Log: cached, Stable: bs, Snapshots: snaps, closer: bs}, nil
}

// Node is one running member of a cluster.
type Node struct {
	cfg    NodeConfig
	raft   *raft.Raft
	stores *Stores
	m      *Machine

	compared atomic.Pointer[string] // the last checkpoint comparison's words
	started  time.Time              // for how long no leader was known
	stopped  chan struct{}          // closed by Shutdown
	upgrade  sync.Mutex             // one ProposeUpgrade at a time (schema.go)
	ready    chan struct{}          // closed once raft is set (halt waits for it)
	stopOnce sync.Once
}

// StartNode starts Raft on the machine. A node whose storage holds no
// configuration waits to be bootstrapped or added.
func StartNode(cfg NodeConfig) (*Node, error) {
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return time.Now().UTC() }
	}
	if cfg.ApplyTimeout == 0 {
		cfg.ApplyTimeout = 5 * time.Second
	}
	if cfg.RetryFor == 0 {
		cfg.RetryFor = 10 * time.Second
	}
	if cfg.ReadYourWrites == 0 {
		cfg.ReadYourWrites = 2 * time.Second
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	if cfg.CheckEvery == 0 {
		cfg.CheckEvery = time.Minute
	}
	if cfg.UpgradeEvery == 0 {
		cfg.UpgradeEvery = 10 * time.Second
	}
	if h := cfg.Machine.Halted(); h != nil {
		return nil, h
	}
	stores := cfg.Stores
	if stores == nil {
		var err error
		if stores, err = openStores(cfg.Dir, cfg.Log); err != nil {
			return nil, err
		}
	}
	rc := raft.DefaultConfig()
	rc.LocalID = raft.ServerID(cfg.ID)
	// The file carries its own applied index (Vault, rqlite): no restore at
	// start, the log after the snapshot is replayed and entries already in
	// the file are skipped.
	rc.NoSnapshotRestoreOnStart = true
	rc.SnapshotThreshold = 50_000 // a snapshot copies the whole file
	rc.TrailingLogs = 10_240
	rc.BatchApplyCh = true
	// A follower learns that an entry is committed from the leader's next
	// AppendEntries; with nothing new to send, the leader sends one after
	// CommitTimeout (raft's default 50 ms, then up to twice that). A
	// write forwarded from a follower waits for its own node to apply it
	// (read-your-writes), so the default added 50-100 ms to every such
	// write: forwarded p50 89 ms at 50 ms, 24 ms at 10 ms, 15-18 ms at
	// 5 ms (BenchmarkClusterWrite). The price is the empty AppendEntries
	// sent while idle: three idle nodes on one 2-core machine used 0.64 s
	// of CPU in 20 s at 50 ms, 1.95 s at 10 ms, 2.75 s at 5 ms.
	rc.CommitTimeout = 10 * time.Millisecond
	rc.Logger = hclog.New(&hclog.LoggerOptions{Name: "raft " + cfg.ID, Output: cfg.Log, Level: hclog.Info})
	if cfg.Tune != nil {
		cfg.Tune(rc)
	}
	n := &Node{cfg: cfg, stores: stores, m: cfg.Machine, stopped: make(chan struct{}), ready: make(chan struct{}), started: time.Now()}
	f := &fsm{m: cfg.Machine, halt: n.halt}
	r, err := raft.NewRaft(rc, f, stores.Log, stores.Stable, stores.Snapshots, cfg.Transport)
	n.raft = r
	close(n.ready)
	if err != nil {
		if cfg.Stores == nil && stores.closer != nil {
			stores.closer.Close()
		}
		return nil, fmt.Errorf("cannot start raft: %w", err)
	}
	if cfg.CheckEvery > 0 {
		go n.every(n.cfg.CheckEvery, 10*time.Second, func(ctx context.Context) { n.CompareCheckpoints(ctx) })
	}
	if cfg.UpgradeEvery > 0 {
		go n.every(n.cfg.UpgradeEvery, 30*time.Second, func(ctx context.Context) { n.ProposeUpgrade(ctx) })
	}
	return n, nil
}

// halt stops Raft once the machine cannot apply: the node must not vote
// or lead on a file that is behind its log.
func (n *Node) halt(err error) {
	// The machine may halt on an entry raft replays while NewRaft has not
	// returned yet (a node restarted with a keydesk that cannot apply it).
	<-n.ready
	if n.raft == nil {
		return
	}
	n.raft.Shutdown().Error()
	if n.cfg.OnHalt != nil {
		n.cfg.OnHalt(err)
	}
}

// Bootstrap makes this node the first voter of a new cluster (cluster
// init), or with servers a cluster of several at once (tests).
func (n *Node) Bootstrap(servers ...raft.Server) error {
	if len(servers) == 0 {
		servers = []raft.Server{{ID: raft.ServerID(n.cfg.ID), Address: raft.ServerAddress(n.cfg.Addr)}}
	}
	return n.raft.BootstrapCluster(raft.Configuration{Servers: servers}).Error()
}

// Shutdown stops Raft and closes its storage (not the machine's file).
func (n *Node) Shutdown() error {
	n.stopOnce.Do(func() { close(n.stopped) })
	err := n.raft.Shutdown().Error()
	if n.cfg.Stores == nil && n.stores.closer != nil {
		if cerr := n.stores.closer.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

// ID is the node's name; Raft is the engine, for operations this
// package does not wrap.
func (n *Node) ID() string        { return n.cfg.ID }
func (n *Node) Raft() *raft.Raft  { return n.raft }
func (n *Node) Machine() *Machine { return n.m }

// IsLeader reports whether this node leads now.
func (n *Node) IsLeader() bool { return n.raft.State() == raft.Leader }

// WaitLeader waits until the cluster has a leader this node knows of.
func (n *Node) WaitLeader(ctx context.Context) (id string, err error) {
	for {
		if _, lid := n.raft.LeaderWithID(); lid != "" {
			return string(lid), nil
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// Barrier waits until every entry committed before it is applied here
// (leader only): after it, the file is current.
func (n *Node) Barrier(timeout time.Duration) error { return n.raft.Barrier(timeout).Error() }

// AddVoter, RemoveServer and TransferLeadership are the membership
// changes of the cluster commands (leader only).
func (n *Node) AddVoter(id, addr string) error {
	return n.raft.AddVoter(raft.ServerID(id), raft.ServerAddress(addr), 0, n.cfg.ApplyTimeout).Error()
}

func (n *Node) AddNonvoter(id, addr string) error {
	return n.raft.AddNonvoter(raft.ServerID(id), raft.ServerAddress(addr), 0, n.cfg.ApplyTimeout).Error()
}

func (n *Node) RemoveServer(id string) error {
	return n.raft.RemoveServer(raft.ServerID(id), 0, n.cfg.ApplyTimeout).Error()
}

func (n *Node) TransferLeadership(to string) error {
	if to == "" {
		return n.raft.LeadershipTransfer().Error()
	}
	cf := n.raft.GetConfiguration()
	if err := cf.Error(); err != nil {
		return err
	}
	for _, s := range cf.Configuration().Servers {
		if string(s.ID) == to {
			return n.raft.LeadershipTransferToServer(s.ID, s.Address).Error()
		}
	}
	return fmt.Errorf("no node %q in the cluster", to)
}

// Servers is the current Raft configuration.
func (n *Node) Servers() ([]raft.Server, error) {
	cf := n.raft.GetConfiguration()
	if err := cf.Error(); err != nil {
		return nil, err
	}
	return cf.Configuration().Servers, nil
}

var errNoLeader = errors.New("no leader is reachable")

// ErrOutcomeUnknown: the cluster lost its leader while the write was in
// flight, and retrying with the same request id did not settle it within
// the budget. The write may or may not be applied; the audit trail says.
var ErrOutcomeUnknown = errors.New("the cluster lost its leader while saving: it may or may not have been saved")

// ErrNoLeader: no attempt reached a leader; nothing was saved.
var ErrNoLeader = errors.New("no leader is reachable: nothing was saved (the cluster is read-only until a majority of nodes can talk)")

// ErrStopped: this node is shutting down; nothing was saved through it.
var ErrStopped = errors.New("this keydesk node is stopping: nothing was saved")
