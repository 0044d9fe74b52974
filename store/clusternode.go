package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/raft"
	"github.com/keydesk/keydesk/store/cluster"
	"github.com/keydesk/keydesk/store/secrets"
	bolt "go.etcd.io/bbolt"
)

// A cluster node keeps, beside its database (design 4.1):
//
//	keydesk.raft/  Raft's log (raft.db) and snapshots
//	keydesk.tls/   the node's certificate and key, the cluster CA, its
//	               node id and cluster address

// ClusterDirs are the folders of the node whose database is at dbPath.
func ClusterDirs(dbPath string) (raftDir, tlsDir string) {
	base := strings.TrimSuffix(dbPath, ".db")
	return base + ".raft", base + ".tls"
}

const clusterAddrFile = "cluster-addr"

// IsClusterNode reports whether the database at dbPath belongs to a
// cluster (cluster init or join made its TLS folder).
func IsClusterNode(dbPath string) bool {
	_, tlsDir := ClusterDirs(dbPath)
	_, err := os.Stat(filepath.Join(tlsDir, clusterAddrFile))
	return err == nil
}

// NodeOptions tune a node started from its files.
type NodeOptions struct {
	// Log receives Raft's log lines (default: discarded).
	Log io.Writer
	// Tune changes Raft's timings (tests).
	Tune func(*raft.Config)
	// OnHalt is told when the node stopped applying the log (serve exits).
	OnHalt func(error)
}

// StartClusterNode runs s as the cluster node its files describe: every
// write of s goes through the log from now on.
func (s *Store) StartClusterNode(opt NodeOptions) (*cluster.Node, error) {
	raftDir, tlsDir := ClusterDirs(s.path)
	ident, err := cluster.LoadIdentity(tlsDir)
	if err != nil {
		return nil, fmt.Errorf("this database is not a cluster node's (no %s): %w", tlsDir, err)
	}
	addr, err := os.ReadFile(filepath.Join(tlsDir, clusterAddrFile))
	if err != nil {
		return nil, err
	}
	m, err := s.Replicate(cluster.MachineOptions{Open: s.reopen})
	if err != nil {
		return nil, err
	}
	node, _, err := cluster.StartNetNode(cluster.NetConfig{
		ID: ident.ID, Listen: strings.TrimSpace(string(addr)), Dir: raftDir, Identity: ident, Machine: m,
		Box: s.box, Stamp: s.Stamp, Log: opt.Log, Tune: opt.Tune, OnHalt: opt.OnHalt, UseToken: s.useJoinToken,
	})
	if err != nil {
		return nil, err
	}
	s.ServeCluster(node)
	return node, nil
}

// ClusterHostKey writes the cluster's SSH host key into the node's TLS
// folder and answers its path: every node serves the same host key
// (derived from the cluster's CA key every node holds; see
// cluster.Identity.HostKey).
func ClusterHostKey(dbPath string) (string, error) {
	_, tlsDir := ClusterDirs(dbPath)
	ident, err := cluster.LoadIdentity(tlsDir)
	if err != nil {
		return "", fmt.Errorf("this database is not a cluster node's (no %s): %w", tlsDir, err)
	}
	return ident.WriteHostKey(tlsDir)
}

// ClusterHostKeyFingerprint is the cluster's SSH host key's fingerprint
// (every node serves it).
func ClusterHostKeyFingerprint(dbPath string) (string, error) {
	_, tlsDir := ClusterDirs(dbPath)
	ident, err := cluster.LoadIdentity(tlsDir)
	if err != nil {
		return "", err
	}
	return ident.HostKeyFingerprint()
}

// reopen opens the file a snapshot put in place, as Open would.
func (s *Store) reopen(path string) (*bolt.DB, error) {
	return bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, InitialMmapSize: initialMmapSize})
}

// ClusterNode is the node s writes through, nil on a single node.
func (s *Store) ClusterNode() *cluster.Node { return s.replicaNode() }

// StopCluster shuts the node down; s is then read-only in effect (its
// writes have no log to go to) until closed.
func (s *Store) StopCluster() error {
	node := s.replicaNode()
	if node == nil {
		return nil
	}
	return node.Shutdown()
}

// InitCluster turns the database into the first node of a new cluster:
// a CA, this node's certificate, a one-voter Raft configuration. It
// answers the CA's fingerprint, which joiners pin.
func (s *Store) InitCluster(id, addr string, opt NodeOptions) (*cluster.Node, string, error) {
	if err := checkNodeID(id); err != nil {
		return nil, "", err
	}
	_, tlsDir := ClusterDirs(s.path)
	if _, err := os.Stat(tlsDir); err == nil {
		return nil, "", fmt.Errorf("this database is a cluster node already (%s exists)", tlsDir)
	}
	if s.box == nil {
		return nil, "", fmt.Errorf("a cluster needs the database's key file: %v", s.secretsErr)
	}
	ca, err := cluster.NewCA()
	if err != nil {
		return nil, "", err
	}
	ident, err := cluster.NewIdentity(ca, id)
	if err != nil {
		return nil, "", err
	}
	if err := saveNodeFiles(tlsDir, ident, addr); err != nil {
		return nil, "", err
	}
	node, err := s.StartClusterNode(opt)
	if err != nil {
		os.RemoveAll(tlsDir)
		return nil, "", err
	}
	if err := node.Bootstrap(); err != nil {
		node.Shutdown()
		return nil, "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := node.WaitLeader(ctx); err != nil {
		node.Shutdown()
		return nil, "", fmt.Errorf("the new cluster elected no leader: %w", err)
	}
	return node, cluster.Fingerprint(ca.Cert), nil
}

func checkNodeID(id string) error {
	if id == "" || len(id) > 64 || strings.ContainsAny(id, " \t\r\n/\\") {
		return errors.New("a node id is 1 to 64 characters without spaces or slashes")
	}
	return nil
}

func saveNodeFiles(tlsDir string, ident *cluster.Identity, addr string) error {
	if err := ident.Save(tlsDir); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(tlsDir, clusterAddrFile), []byte(addr+"\n"), 0o600)
}

// JoinRequest is what an operator gives cluster join.
type JoinRequest struct {
	DBPath, NodeID, Addr string
	Leader, CA, Token    string
}

// JoinCluster makes dbPath a new node of the cluster at req.Leader: the
// key file must already be beside it (copied by the operator); the
// database itself must not exist — it arrives from the leader. The node
// is a non-voter until serve --cluster has caught up and asks to vote.
func JoinCluster(ctx context.Context, req JoinRequest) (index uint64, err error) {
	if err := checkNodeID(req.NodeID); err != nil {
		return 0, err
	}
	box, err := secrets.Load(secrets.KeyPath(req.DBPath))
	if errors.Is(err, secrets.ErrNoKey) {
		return 0, fmt.Errorf("copy the cluster's key file to %s first: it never travels over the network", secrets.KeyPath(req.DBPath))
	}
	if err != nil {
		return 0, err
	}
	if _, err := os.Stat(req.DBPath); !errors.Is(err, fs.ErrNotExist) {
		return 0, fmt.Errorf("%s exists: a joining node receives its database from the cluster; move it away first", req.DBPath)
	}
	_, tlsDir := ClusterDirs(req.DBPath)
	tmp := req.DBPath + ".joining"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return 0, err
	}
	joined, err := cluster.Join(ctx, req.Leader, req.CA, req.Token, req.NodeID, req.Addr, box, f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = saveNodeFiles(tlsDir, joined.Identity, req.Addr)
	}
	if err == nil {
		err = os.WriteFile(filepath.Join(tlsDir, "join-index"), fmt.Appendf(nil, "%d\n", joined.Index), 0o600)
	}
	if err == nil {
		err = os.Rename(tmp, req.DBPath)
	}
	if err != nil {
		os.Remove(tmp)
		return 0, err
	}
	return joined.Index, nil
}

// JoinIndex is the log index a joined node must reach before it asks to
// vote; 0 once it votes (or for the first node).
func (s *Store) JoinIndex() uint64 {
	_, tlsDir := ClusterDirs(s.path)
	data, err := os.ReadFile(filepath.Join(tlsDir, "join-index"))
	if err != nil {
		return 0
	}
	var index uint64
	fmt.Sscanf(string(data), "%d", &index)
	return index
}

// Voting notes that the node votes now (the join index is done with).
func (s *Store) Voting() {
	_, tlsDir := ClusterDirs(s.path)
	os.Remove(filepath.Join(tlsDir, "join-index"))
}

// DetachCluster makes a node's database a single node's again: the
// cluster bookkeeping leaves the file, and the node's Raft and TLS folders
// are moved aside (renamed with .detached), never deleted.
func (s *Store) DetachCluster() error {
	if s.replicaNode() != nil {
		return errors.New("stop keydesk serve --cluster on this node first")
	}
	if err := s.db.Update(cluster.Detach); err != nil {
		return err
	}
	raftDir, tlsDir := ClusterDirs(s.path)
	stamp := time.Now().UTC().Format("20060102T150405")
	for _, dir := range []string{raftDir, tlsDir} {
		if _, err := os.Stat(dir); err == nil {
			if err := os.Rename(dir, dir+".detached-"+stamp); err != nil {
				return err
			}
		}
	}
	return nil
}

// RecoverCluster rewrites this node's Raft configuration to the servers
// of a peers.json file (hashicorp/raft's manual recovery after losing a
// majority). Destructive: every node named must get the same file, with
// keydesk stopped on all of them.
func (s *Store) RecoverCluster(peersPath string) error {
	if s.replicaNode() != nil {
		return errors.New("stop keydesk serve --cluster on this node first")
	}
	conf, err := raft.ReadConfigJSON(peersPath)
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", peersPath, err)
	}
	raftDir, tlsDir := ClusterDirs(s.path)
	ident, err := cluster.LoadIdentity(tlsDir)
	if err != nil {
		return err
	}
	m, err := s.Replicate(cluster.MachineOptions{Open: s.reopen})
	if err != nil {
		return err
	}
	return cluster.Recover(raftDir, ident.ID, m, conf)
}
