package store

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/cluster"
	bolt "go.etcd.io/bbolt"
)

// The cluster's operations go through the log as store commands, so that
// every node's audit trail holds them (issue #20): issuing a join token
// (the token's hash is registered in the same transaction), a node
// joining (the token is spent in the same transaction), removing a node,
// handing the leadership over (recorded once the change is made).

// Tags of the cluster's arguments in argsKinds: a range of their own, so
// that kinds added on other branches meanwhile do not take the same tag.
const (
	tagClusterEvent = 100
	tagClusterJoin  = 101
)

func init() {
	argsKinds = append(argsKinds,
		struct {
			tag  uint64
			zero Args
		}{tagClusterEvent, clusterEventArgs{}},
		struct {
			tag  uint64
			zero Args
		}{tagClusterJoin, clusterJoinArgs{}})
}

// clusterEventArgs: an admin's cluster operation. A token's hash (hex)
// and expiry are set when the event is a token issued.
type clusterEventArgs struct {
	Action    string
	Node      string
	Note      string
	TokenHash string
	Expires   time.Time
}

func (a clusterEventArgs) apply(s *Store, tx *bolt.Tx, env *applyEnv) (any, error) {
	action := model.Action(a.Action)
	e := model.AuditEntry{Actor: env.By, Action: action, Target: "cluster", Note: a.Note}
	if a.Node != "" {
		e.Target = "node " + a.Node
	}
	switch action {
	case model.ActionClusterTokenIssued:
		if err := withToken(a.TokenHash, func(hash [32]byte) (string, error) {
			return cluster.RegisterToken(tx, hash, a.Expires, env.Now)
		}); err != nil {
			return nil, err
		}
	case model.ActionClusterNodeRemoved, model.ActionClusterLeaderTransferred:
	default:
		return nil, fmt.Errorf("%w: cluster event %q", ErrCommandEncoding, a.Action)
	}
	return nil, s.appendAudit(tx, e)
}

// clusterJoinArgs: the leader spends a joiner's token. No admin asks for
// it: the joiner proved it holds the key file, and the token, issued by
// an admin (an entry of its own), is its permission.
type clusterJoinArgs struct {
	TokenHash string
	Node      string
	Addr      string
}

func (clusterJoinArgs) bookkeeping() {}

func (a clusterJoinArgs) apply(s *Store, tx *bolt.Tx, env *applyEnv) (any, error) {
	if err := withToken(a.TokenHash, func(hash [32]byte) (string, error) {
		return cluster.SpendToken(tx, hash, a.Node, env.Now)
	}); err != nil {
		return nil, err
	}
	return nil, s.appendAudit(tx, model.AuditEntry{Actor: "cluster join", Action: model.ActionClusterNodeJoined,
		Target: "node " + a.Node, Note: "cluster address " + a.Addr + "; with a one-time join token"})
}

// withToken runs step (registering or spending a join token) on the
// token's hash h, written in hex: a refusal it gives is refused.
func withToken(h string, step func(hash [32]byte) (refusal string, err error)) error {
	var hash [32]byte
	b, err := hex.DecodeString(h)
	if err != nil || len(b) != len(hash) {
		return errors.New("a join token's hash is damaged")
	}
	copy(hash[:], b)
	refusal, err := step(hash)
	if err == nil && refusal != "" {
		err = refused("%s", refusal)
	}
	return err
}

// IssueJoinToken makes a one-time join token valid for ttl: who asks is
// checked (admins), and the token's hash and the audit entry go through
// the log together. Only the node that asked ever sees the token.
func (s *Store) IssueJoinToken(who model.Actor, ttl time.Duration) (string, error) {
	if ttl <= 0 || ttl > 7*24*time.Hour {
		return "", errors.New("a join token lasts between a second and 7 days")
	}
	token := cluster.NewJoinToken()
	hash := cluster.TokenHash(token)
	expires := s.now().Add(ttl)
	_, err := s.exec(who, model.OpClusterToken, clusterEventArgs{Action: string(model.ActionClusterTokenIssued),
		Note: "valid until " + expires.UTC().Format(time.RFC3339), TokenHash: hex.EncodeToString(hash[:]), Expires: expires})
	if err != nil {
		return "", err
	}
	return token, nil
}

// RecordClusterChange writes a node removed or a leadership handed over,
// once done, into every node's trail.
func (s *Store) RecordClusterChange(who model.Actor, action model.Action, node, note string) error {
	op := model.OpClusterRemove
	if action == model.ActionClusterLeaderTransferred {
		op = model.OpClusterTransfer
	}
	_, err := s.exec(who, op, clusterEventArgs{Action: string(action), Node: node, Note: note})
	return err
}

// useJoinToken is the leader's spending of a joiner's token (cluster
// NodeConfig.UseToken).
func (s *Store) useJoinToken(ctx context.Context, token, node, addr string) error {
	hash := cluster.TokenHash(token)
	_, err := s.exec(model.Actor{Name: "cluster join"}, model.OpServe, clusterJoinArgs{TokenHash: hex.EncodeToString(hash[:]), Node: node, Addr: addr})
	return err
}
