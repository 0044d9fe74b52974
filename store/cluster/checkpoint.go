package cluster

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/raft"
	bolt "go.etcd.io/bbolt"
)

// Checkpoints (design 4.9): every node applies the same log, so at the
// same log index every node has the same audit head. Each node records
// its head every CheckpointEvery indexes, in the same transaction as the
// entry; nodes exchange their latest checkpoints and a node whose head at
// an index differs from the majority's says so and stops, rather than go
// on writing a chain that has forked (a file changed outside keydesk, a
// disk that returned other bytes, an apply that was not deterministic).

var bucketCheckpoints = []byte("cluster_checkpoints")

// keepCheckpoints is how many checkpoints a file keeps (the oldest go
// first, by index, the same on every node).
const keepCheckpoints = 64

// maxHead bounds one head in a checkpoint exchange.
const maxHead = 1024

// KindCheckpoints is a forwarded request only, never a log entry: a node
// asks a peer for its latest checkpoints.
const KindCheckpoints Kind = 4

// Checkpoint is a node's audit head as of one applied log index.
type Checkpoint struct {
	Index uint64
	Head  []byte
}

// checkpoint records the head after entry index when the entry crosses a
// multiple of every; prev is the index applied before it. Both come from
// the log, so every node records at the same indexes whatever its batches.
func (m *Machine) checkpoint(tx *bolt.Tx, prev, index uint64) error {
	every := m.opt.CheckpointEvery
	if index/every == prev/every {
		return nil
	}
	h, ok := m.exec.(Header)
	if !ok {
		return nil
	}
	head, err := h.Head(tx)
	if err != nil {
		return fmt.Errorf("cannot read the audit head for the checkpoint at %d: %w", index, err)
	}
	b := tx.Bucket(bucketCheckpoints)
	if err := b.Put(binary.BigEndian.AppendUint64(nil, index), head); err != nil {
		return err
	}
	for b.Stats().KeyN > keepCheckpoints {
		k, _ := b.Cursor().First()
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// Checkpoints are the file's latest checkpoints, oldest first.
func (m *Machine) Checkpoints() ([]Checkpoint, error) {
	var out []Checkpoint
	err := m.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketCheckpoints)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			if len(k) == 8 {
				out = append(out, Checkpoint{binary.BigEndian.Uint64(k), append([]byte(nil), v...)})
			}
			return nil
		})
	})
	return out, err
}

func encodeCheckpoints(cps []Checkpoint) []byte {
	var b []byte
	for _, c := range cps {
		b = binary.BigEndian.AppendUint64(b, c.Index)
		b = binary.BigEndian.AppendUint16(b, uint16(len(c.Head)))
		b = append(b, c.Head...)
	}
	return b
}

func decodeCheckpoints(b []byte) ([]Checkpoint, error) {
	var out []Checkpoint
	for len(b) > 0 {
		if len(b) < 10 || len(out) >= keepCheckpoints {
			return nil, errors.New("a peer's checkpoints are damaged")
		}
		n := int(binary.BigEndian.Uint16(b[8:10]))
		if n > maxHead || len(b) < 10+n {
			return nil, errors.New("a peer's checkpoints are damaged")
		}
		out = append(out, Checkpoint{binary.BigEndian.Uint64(b), append([]byte(nil), b[10:10+n]...)})
		b = b[10+n:]
	}
	return out, nil
}

// serveCheckpoints answers a peer's KindCheckpoints request.
func (n *Node) serveCheckpoints() Reply {
	cps, err := n.m.Checkpoints()
	if err != nil {
		return Reply{Err: err.Error()}
	}
	return Reply{Result: Result{Data: encodeCheckpoints(cps), Index: n.m.LastApplied()}}
}

// ErrDiverged: this node's audit chain is not the cluster's.
var ErrDiverged = errors.New("this node's audit trail differs from the cluster's")

// Comparison is the outcome of comparing this node's checkpoints with
// its peers'.
type Comparison struct {
	// Agree and Differ name the peers whose latest common checkpoint has
	// the same head as this node's, or another one; Unreachable those
	// that did not answer, or share no checkpoint with this node yet.
	Agree, Differ, Unreachable []string
	// Words say what was found, for cluster status ("" when all agree).
	Words string
	// Diverged: this node is the odd one out and has stopped.
	Diverged bool
}

// CompareCheckpoints asks every voter for its checkpoints and compares
// them with this node's at the latest index both hold. This node stops
// (halts, as when it cannot apply an entry) when the voters whose head
// differs from its own make a majority of the configuration, or when the
// leader's differs and this node has no majority on its side. A minority
// that differs from this node is told in Words; it stops on its own check.
func (n *Node) CompareCheckpoints(ctx context.Context) (Comparison, error) {
	var c Comparison
	if h := n.m.Halted(); h != nil {
		return c, h
	}
	servers, err := n.Servers()
	if err != nil {
		return c, err
	}
	mine, err := n.m.Checkpoints()
	if err != nil {
		return c, err
	}
	_, leader := n.raft.LeaderWithID()
	voters, leaderDiffers := 0, false
	var firstDiff string
	for _, s := range servers {
		if s.Suffrage != raft.Voter {
			continue
		}
		voters++
		if string(s.ID) == n.cfg.ID {
			continue
		}
		theirs, err := n.peerCheckpoints(ctx, s.Address)
		if err != nil {
			c.Unreachable = append(c.Unreachable, string(s.ID))
			continue
		}
		at, a, b, ok := latestCommon(mine, theirs)
		switch {
		case !ok:
			c.Unreachable = append(c.Unreachable, string(s.ID))
		case bytes.Equal(a, b):
			c.Agree = append(c.Agree, string(s.ID))
		default:
			c.Differ = append(c.Differ, string(s.ID))
			if s.ID == leader {
				leaderDiffers = true
			}
			if firstDiff == "" {
				firstDiff = fmt.Sprintf("at log index %d this node's audit head is %s, node %s's is %s", at, printable(a), s.ID, printable(b))
			}
		}
	}
	if len(c.Differ) == 0 {
		return c, nil
	}
	quorum := voters/2 + 1
	sameAsMe := 1 + len(c.Agree)
	c.Diverged = len(c.Differ) >= quorum || (leaderDiffers && sameAsMe < quorum)
	if !c.Diverged {
		c.Words = fmt.Sprintf("node %s's audit trail differs from this node's and the majority's (%s): that node stops on its own check; re-seed it",
			strings.Join(c.Differ, ", "), firstDiff)
		n.noteComparison(c.Words)
		return c, nil
	}
	c.Words = fmt.Sprintf("%s: %s (nodes %s differ, %d of %d voters). This node stops serving so the trail does not fork: "+
		"its file was changed outside keydesk, or a disk returned other bytes. Re-seed it: keydesk cluster remove %s on another node, "+
		"move this node's database aside, and keydesk cluster join it again",
		ErrDiverged, firstDiff, strings.Join(c.Differ, ", "), len(c.Differ), voters, n.cfg.ID)
	n.noteComparison(c.Words)
	err = fmt.Errorf("%w", &divergedError{c.Words})
	if n.m.haltWith(err) {
		go n.halt(n.m.Halted())
	}
	return c, nil
}

type divergedError struct{ words string }

func (d *divergedError) Error() string        { return d.words }
func (d *divergedError) Is(target error) bool { return target == ErrDiverged }

// latestCommon finds the latest index both lists hold.
func latestCommon(a, b []Checkpoint) (index uint64, ha, hb []byte, ok bool) {
	heads := make(map[uint64][]byte, len(b))
	for _, c := range b {
		heads[c.Index] = c.Head
	}
	sorted := append([]Checkpoint(nil), a...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Index > sorted[j].Index })
	for _, c := range sorted {
		if h, found := heads[c.Index]; found {
			return c.Index, c.Head, h, true
		}
	}
	return 0, nil, nil, false
}

func (n *Node) peerCheckpoints(ctx context.Context, addr raft.ServerAddress) ([]Checkpoint, error) {
	if n.cfg.Forwarder == nil {
		return nil, errors.New("no forwarding configured")
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	reply, err := n.cfg.Forwarder.Forward(ctx, addr, Request{ID: NewRequestID(), Kind: KindCheckpoints})
	if err != nil {
		return nil, err
	}
	if reply.Retry || reply.Unknown || reply.Err != "" {
		return nil, errors.New("no answer")
	}
	return decodeCheckpoints(reply.Result.Data)
}

// noteComparison keeps the last comparison's words for cluster status.
func (n *Node) noteComparison(words string) { n.compared.Store(&words) }
