package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/cluster"
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

// A cluster node's store is the state machine of store/cluster: its
// commands go through the Raft log instead of group commit, and every
// node applies them with the same apply as a single node (design/cluster.md
// 4.3). What differs is said here:
//
//   - the seed of a command's random choices is drawn by the leader and
//     sealed with the database key, so the log never holds what makes an
//     activation code in clear; a node without the right key file cannot
//     open it and halts rather than apply something else;
//   - the command's time is the log's (the leader's clock, never running
//     backwards), and the request id is the cluster's, whose table is
//     pruned by log index;
//   - the answer travels back to the node that asked, sealed, and is kept
//     sealed in the request table for a retry.

// replica is this store's place in a cluster.
type replica struct {
	node *cluster.Node
}

// Replicate makes s the state machine of a cluster node: from its return
// every write of s is proposed to the cluster through node (see
// ServeCluster), and every applied entry notifies s's watchers.
func (s *Store) Replicate(opt cluster.MachineOptions) (*cluster.Machine, error) {
	if s.box == nil {
		return nil, fmt.Errorf("a cluster node needs the database's key file %s: copy it from another node", s.KeyPath())
	}
	// The file is checked before the log may write to it, as before any
	// write (sound.go): a damaged node does not apply; and bbolt's page
	// check must not run beside the log's writes, which do not pass
	// through exec, where a single node checks.
	if err := s.CheckSound(); err != nil {
		return nil, err
	}
	notify := opt.Notify
	opt.Notify = func(index uint64) {
		s.notify()
		if notify != nil {
			notify(index)
		}
	}
	replaced := opt.Replaced
	opt.Replaced = func(db *bolt.DB) {
		s.swapDB(db)
		s.schemaReplaced(db) // clusterschema.go
		if replaced != nil {
			replaced(db)
		}
	}
	check := opt.Check
	opt.Check = func(db *bolt.DB) error {
		if err := s.checkSnapshotSchema(db); err != nil { // clusterschema.go
			return err
		}
		if check != nil {
			return check(db)
		}
		return nil
	}
	// A restore swaps the file under the store's readers: they wait on
	// the handle's lock for the new one rather than meet a closed file.
	opt.Swap = s.db
	return cluster.NewMachine(s.db.Load(), replicatedExec{s}, opt)
}

// ServeCluster routes every write of s through node from now on.
func (s *Store) ServeCluster(node *cluster.Node) {
	s.mu.Lock()
	s.replica = &replica{node: node}
	s.mu.Unlock()
}

func (s *Store) replicaNode() *cluster.Node {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.replica == nil {
		return nil
	}
	return s.replica.node
}

// swapDB takes the file a snapshot put in place of the old one; the
// machine holds the handle's lock (MachineOptions.Swap) while it runs.
func (s *Store) swapDB(db *bolt.DB) { s.db.replace(db) }

// Stamp is the leader's part of a command: its time and a fresh seed,
// sealed. The body is the command without its seed, then the sealed seed.
func (s *Store) Stamp(id cluster.RequestID, body []byte, now time.Time) ([]byte, error) {
	cmd, err := DecodeCommand(body, s.box)
	if err != nil {
		return nil, err
	}
	cmd.Time = now
	var seed [32]byte
	if _, err := rand.Read(seed[:]); err != nil {
		return nil, err
	}
	cmd.Seed = [32]byte{}
	enc, err := EncodeCommand(cmd, s.box)
	if err != nil {
		return nil, err
	}
	out := binary.AppendUvarint(nil, uint64(len(enc)))
	out = append(out, enc...)
	return append(out, s.box.Seal(seed[:], seedContext(id))...), nil
}

func seedContext(id cluster.RequestID) []byte { return append([]byte("cluster seed "), id[:]...) }

// replicatedExec is the store as the cluster's executor.
type replicatedExec struct{ s *Store }

func (e replicatedExec) Exec(tx *bolt.Tx, at cluster.Position, body []byte) (cluster.Outcome, error) {
	n, k := binary.Uvarint(body)
	if k <= 0 || uint64(len(body)-k) < n {
		return cluster.Outcome{}, fmt.Errorf("%w: no stamped command", ErrCommandEncoding)
	}
	cmd, err := DecodeCommand(body[k:k+int(n)], e.s.box)
	if err != nil {
		return cluster.Outcome{}, err
	}
	seed, err := e.s.box.Open(body[k+int(n):], seedContext(at.ID))
	if err != nil || len(seed) != len(cmd.Seed) {
		return cluster.Outcome{}, fmt.Errorf("the command's seed does not open with this node's key file %s: it is not the cluster's key", e.s.KeyPath())
	}
	copy(cmd.Seed[:], seed)
	cmd.Time = at.Time
	cmd.RequestID = [16]byte{} // the cluster keeps the request table
	result, err := e.s.apply(tx, cmd)
	refused := err != nil
	if err != nil && haltsNode(err) {
		return cluster.Outcome{}, err
	}
	if r, ok := result.(committedRefusal); ok {
		result, err = r.value, r.err
	}
	answer, aerr := encodeAnswer(result, err)
	if aerr != nil {
		return cluster.Outcome{}, aerr
	}
	// Sealed with nonces from the command's own seed: the same bytes on
	// every node.
	nonces := mrand.NewChaCha8(sha256.Sum256(append([]byte("answer "), cmd.Seed[:]...)))
	sealed, serr := e.s.box.SealFrom(nonces, answer, answerContext(at.ID))
	if serr != nil {
		return cluster.Outcome{}, serr
	}
	return cluster.Outcome{Result: sealed, Refused: refused}, nil
}

func answerContext(id cluster.RequestID) []byte { return append([]byte("cluster answer "), id[:]...) }

// haltsNode: errors that are about this node's file, not the command.
// Answered as a refusal on one node and applied on the others, they would
// fork the audit chain: the node stops instead.
func haltsNode(err error) bool {
	var damaged *DamagedError
	var record *record.DamagedRecordError
	var secrets *SecretsError
	return errors.As(err, &damaged) || errors.As(err, &record) || errors.As(err, &secrets)
}

// Head is the audit head ("seq hash") as of tx, for cluster status
// and for comparing nodes.
func (e replicatedExec) Head(tx *bolt.Tx) ([]byte, error) {
	k, v := tx.Bucket(bucketAudit).Cursor().Last()
	if k == nil {
		return nil, nil
	}
	run, err := openTrail(tx).run(k, v)
	if err != nil {
		return nil, err
	}
	return fmt.Appendf(nil, "%d %s", run[len(run)-1].Seq, record.StoredHash(v)), nil
}

// proposeCommand is execCommand on a cluster node.
func (s *Store) proposeCommand(node *cluster.Node, cmd *Command) (any, error) {
	if err := s.clusterUpgradePending(); err != nil { // clusterschema.go
		return nil, err
	}
	cmd.Seed = [32]byte{} // drawn by the leader
	body, err := EncodeCommand(cmd, s.box)
	if err != nil {
		return nil, fmt.Errorf("%s cannot be done on a cluster node yet: %w", cmd.Op.Doing(), err)
	}
	if inParts(cmd, body) {
		return s.proposeInParts(node, cmd, body) // clusterimport.go
	}
	req := cluster.Request{ID: cluster.NewRequestID(), Kind: cluster.KindCommand, Body: body}
	r, err := node.Propose(context.Background(), req)
	if errors.Is(err, cluster.ErrOutcomeUnknown) {
		return nil, fmt.Errorf("%w; look at the history before doing it again", err)
	}
	if err != nil {
		return nil, err
	}
	plain, err := s.box.Open(r.Data, answerContext(req.ID))
	if err != nil {
		return nil, fmt.Errorf("the cluster's answer does not open with this node's key file: %w", err)
	}
	return decodeAnswer(plain)
}

// answer is a command's result and error as they travel between nodes.
type answer struct {
	Value any
	Err   *answerError
}

// answerError keeps the kinds of error the faces tell apart.
type answerError struct {
	Kind   string // refusal, field, key, applied, other
	Msg    string
	Field  string
	Serial string
}

func init() {
	for _, v := range []any{CodeView{}, NewEmployee{}, model.Employee{}, model.Key{}, keyEventResult{},
		model.Admin{}, model.Profile{}, []Handout{}, syncOutcome{}} {
		gob.Register(v)
	}
}

func encodeAnswer(value any, err error) ([]byte, error) {
	a := answer{Value: value}
	if err != nil {
		a.Err = &answerError{Kind: "other", Msg: err.Error()}
		var field *model.FieldError
		var key *KeyUnavailableError
		var applied *AlreadyAppliedError
		switch {
		case errors.As(err, &field):
			a.Err.Kind, a.Err.Field = "field", field.Field
		case errors.As(err, &key):
			a.Err.Kind, a.Err.Serial = "key", key.Serial
		case errors.As(err, &applied):
			a.Err.Kind = "applied"
		case model.IsRefusal(err):
			a.Err.Kind = "refusal"
		}
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(&a); err != nil {
		// A result of a type not registered above: the answer goes back
		// without its value rather than stop every node (the same on all).
		a.Value = nil
		buf.Reset()
		if err := gob.NewEncoder(&buf).Encode(&a); err != nil {
			return nil, fmt.Errorf("cannot encode a command's answer: %w", err)
		}
	}
	return buf.Bytes(), nil
}

func decodeAnswer(b []byte) (any, error) {
	var a answer
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&a); err != nil {
		return nil, fmt.Errorf("the cluster's answer is damaged: %w", err)
	}
	if a.Err == nil {
		return a.Value, nil
	}
	switch a.Err.Kind {
	case "field":
		return a.Value, &model.FieldError{Field: a.Err.Field, Msg: a.Err.Msg}
	case "key":
		return a.Value, &KeyUnavailableError{Serial: a.Err.Serial, Msg: a.Err.Msg}
	case "applied":
		return a.Value, &AlreadyAppliedError{}
	case "refusal":
		return a.Value, &model.Refusal{Msg: a.Err.Msg}
	}
	return a.Value, errors.New(a.Err.Msg)
}
