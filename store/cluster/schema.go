package cluster

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/raft"
	bolt "go.etcd.io/bbolt"
)

// Schema upgrades through the log (design 4.13). A node whose binary
// knows a newer schema than its file keeps the file as it is (the store
// does not migrate a cluster node's file at Open); every node tells its
// peers the newest schema its binary knows (KindSchema); the leader,
// once every voter knows schema N and the file is older, proposes one
// KindUpgrade entry, and every node runs the migration in that entry's
// apply: the same transaction, at the same log index, with the entry's
// time, so every node writes the same records and audit entries. A node
// whose binary does not know N halts at that entry (never skips it).

const (
	// KindSchema is a forwarded request only, never a log entry: a node
	// asks a peer the newest schema its binary knows.
	KindSchema Kind = 5
	// KindUpgrade is a log entry: upgrade the database to the schema in
	// its body. Only a leader proposes it (never forwarded).
	KindUpgrade Kind = 6
)

// Upgrader is an Executor that can migrate its file's schema inside an
// apply. Without it a node neither reports a schema nor upgrades.
type Upgrader interface {
	// Schema is the file's schema as of tx.
	Schema(tx *bolt.Tx) uint64
	// MaxSchema is the newest schema this binary knows.
	MaxSchema() uint64
	// Upgrade migrates the file to schema to in tx, deterministically:
	// it reads nothing but tx, at and to. An error halts this node (a
	// binary that does not know to).
	Upgrade(tx *bolt.Tx, at Position, to uint64) (Outcome, error)
}

func encodeSchema(v uint64) []byte { return binary.AppendUvarint(nil, v) }

func decodeSchema(b []byte) (uint64, error) {
	v, n := binary.Uvarint(b)
	if n <= 0 || n != len(b) {
		return 0, errors.New("a damaged schema number")
	}
	return v, nil
}

// execUpgrade applies a KindUpgrade entry.
func (m *Machine) execUpgrade(tx *bolt.Tx, at Position, body []byte) (Outcome, error) {
	to, err := decodeSchema(body)
	if err != nil {
		return Outcome{}, err
	}
	u, ok := m.exec.(Upgrader)
	if !ok {
		return Outcome{}, fmt.Errorf("the log upgrades the database to schema %d at index %d, which this keydesk cannot do: install the keydesk the other nodes run and start this node again", to, at.Index)
	}
	return u.Upgrade(tx, at, to)
}

// Schemas answers the file's schema and the newest one this node's binary
// knows (0, 0 when the executor does not upgrade).
func (m *Machine) Schemas() (file, max uint64, err error) {
	u, ok := m.exec.(Upgrader)
	if !ok {
		return 0, 0, nil
	}
	err = m.view(func(tx *bolt.Tx) error {
		file = u.Schema(tx)
		return nil
	})
	return file, u.MaxSchema(), err
}

// serveSchema answers a peer's KindSchema request.
func (n *Node) serveSchema() Reply {
	_, max, err := n.m.Schemas()
	if err != nil {
		return Reply{Err: err.Error()}
	}
	return Reply{Result: Result{Data: encodeSchema(max), Index: n.m.LastApplied()}}
}

func (n *Node) peerSchema(ctx context.Context, addr raft.ServerAddress) (uint64, error) {
	if n.cfg.Forwarder == nil {
		return 0, errors.New("no forwarding configured")
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	reply, err := n.cfg.Forwarder.Forward(ctx, addr, Request{ID: NewRequestID(), Kind: KindSchema})
	if err != nil {
		return 0, err
	}
	if reply.Retry || reply.Unknown || reply.Err != "" {
		return 0, errors.New("no answer")
	}
	return decodeSchema(reply.Result.Data)
}

// SchemaReport is what the voters' binaries know, for status and for the
// upgrade decision.
type SchemaReport struct {
	// File is this node's file's schema.
	File uint64
	// Known is each voter's newest schema by node id; a voter that did
	// not answer (or runs a keydesk that does not say) is missing.
	Known map[string]uint64
	// Voters is how many voters the configuration has.
	Voters int
}

// Target is the schema every voter knows when it is newer than the
// file's, else 0.
func (r SchemaReport) Target() uint64 {
	if len(r.Known) < r.Voters || r.Voters == 0 {
		return 0
	}
	min := uint64(0)
	for _, v := range r.Known {
		if min == 0 || v < min {
			min = v
		}
	}
	if min <= r.File {
		return 0
	}
	return min
}

// Words say where an upgrade stands ("" when none is due).
func (r SchemaReport) Words() string {
	newer := 0
	var behind []string
	for id, v := range r.Known {
		if v > r.File {
			newer++
		} else {
			behind = append(behind, id)
		}
	}
	if newer == 0 {
		return ""
	}
	missing := r.Voters - len(r.Known)
	w := fmt.Sprintf("cluster upgrade in progress: %d of %d voters run a keydesk of a newer schema than the database's (%d)", newer, r.Voters, r.File)
	if len(behind) > 0 {
		w += "; still on the older keydesk: " + strings.Join(behind, ", ")
	}
	if missing > 0 {
		w += fmt.Sprintf("; %d did not answer", missing)
	}
	return w
}

// Schemas asks every voter the newest schema its binary knows.
func (n *Node) Schemas(ctx context.Context) (SchemaReport, error) {
	var r SchemaReport
	file, mine, err := n.m.Schemas()
	if err != nil {
		return r, err
	}
	r.File, r.Known = file, map[string]uint64{}
	servers, err := n.Servers()
	if err != nil {
		return r, err
	}
	for _, s := range servers {
		if s.Suffrage != raft.Voter {
			continue
		}
		r.Voters++
		if string(s.ID) == n.cfg.ID {
			if mine > 0 {
				r.Known[n.cfg.ID] = mine
			}
			continue
		}
		if v, err := n.peerSchema(ctx, s.Address); err == nil && v > 0 {
			r.Known[string(s.ID)] = v
		}
	}
	return r, nil
}

// ProposeUpgrade, on the leader, asks every voter what its binary knows
// and, when all know a schema newer than the file's, puts one upgrade
// entry in the log and waits for it to apply. It answers the schema it
// upgraded to, 0 when none was due (or this node does not lead).
func (n *Node) ProposeUpgrade(ctx context.Context) (uint64, error) {
	n.upgrade.Lock()
	defer n.upgrade.Unlock()
	if !n.IsLeader() {
		return 0, nil
	}
	// Nothing is due while this node's own keydesk knows no newer schema
	// than its file's; the peers are asked only when it does.
	if file, mine, err := n.m.Schemas(); err != nil || mine <= file {
		return 0, err
	}
	if r, err := n.Schemas(ctx); err != nil || r.Target() == 0 {
		return 0, err
	}
	// Due: the file must hold every entry of earlier terms before its
	// schema is read again, so that an upgrade entry already in the log
	// is not proposed twice (a barrier is a log entry: only now).
	if err := n.raft.Barrier(5 * time.Second).Error(); err != nil {
		return 0, err
	}
	r, err := n.Schemas(ctx)
	if err != nil {
		return 0, err
	}
	to := r.Target()
	if to == 0 {
		return 0, nil
	}
	reply := n.Lead(ctx, Request{ID: NewRequestID(), Kind: KindUpgrade, Body: encodeSchema(to)})
	switch {
	case reply.Err != "":
		return 0, errors.New(reply.Err)
	case reply.Retry || reply.Unknown:
		return 0, ErrOutcomeUnknown
	case reply.Result.Refused:
		return 0, errors.New(string(reply.Result.Data))
	}
	return to, nil
}
