package cluster

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// An upgrade is due only when every voter answered and all know a schema
// newer than the file's; it goes to the oldest one they all know.
func TestSchemaReportTarget(t *testing.T) {
	for _, c := range []struct {
		r    SchemaReport
		want uint64
	}{
		{SchemaReport{File: 8, Voters: 3, Known: map[string]uint64{"a": 9, "b": 9, "c": 9}}, 9},
		{SchemaReport{File: 8, Voters: 3, Known: map[string]uint64{"a": 9, "b": 10, "c": 9}}, 9},
		{SchemaReport{File: 8, Voters: 3, Known: map[string]uint64{"a": 9, "b": 9, "c": 8}}, 0},
		{SchemaReport{File: 8, Voters: 3, Known: map[string]uint64{"a": 9, "b": 9}}, 0}, // c did not answer
		{SchemaReport{File: 9, Voters: 3, Known: map[string]uint64{"a": 9, "b": 9, "c": 9}}, 0},
		{SchemaReport{File: 8, Voters: 0, Known: map[string]uint64{}}, 0},
	} {
		if got := c.r.Target(); got != c.want {
			t.Errorf("%+v: target %d, want %d", c.r, got, c.want)
		}
	}
	w := SchemaReport{File: 8, Voters: 3, Known: map[string]uint64{"a": 9, "b": 9, "c": 8}}.Words()
	if !strings.Contains(w, "2 of 3 voters") || !strings.Contains(w, "older keydesk: c") {
		t.Errorf("words: %q", w)
	}
}

// A machine whose executor cannot upgrade halts at an upgrade entry (it
// never skips it), and applies nothing after it.
func TestUpgradeEntryHaltsAMachineThatCannotUpgrade(t *testing.T) {
	m := newTestMachine(t, ledger{}, MachineOptions{})
	up := envelope{Kind: KindUpgrade, ID: NewRequestID(), Time: testEpoch, Body: encodeSchema(9)}.encode()
	entries := []Entry{
		{Index: 1, Term: 1, Data: command(NewRequestID(), testEpoch, "put a 1")},
		{Index: 2, Term: 1, Data: up},
		{Index: 3, Term: 1, Data: command(NewRequestID(), testEpoch, "put b 2")},
	}
	if _, err := m.ApplyBatch(entries[:1]); err != nil {
		t.Fatal(err)
	}
	_, err := m.ApplyBatch(entries[1:])
	if !errors.Is(err, ErrHalted) || !strings.Contains(err.Error(), "schema 9") {
		t.Fatalf("upgrade entry on a machine that cannot upgrade: %v", err)
	}
	if got := m.LastApplied(); got != 1 {
		t.Fatalf("applied up to %d", got)
	}
}

// upgrading is a ledger that can upgrade: its schema is a meta key; an
// upgrade moves the ledger's chain (so settle compares it) and counts.
type upgrading struct {
	ledger
	known *atomic.Uint64 // the newest schema "this binary" knows
}

func knows(v uint64) *atomic.Uint64 {
	var a atomic.Uint64
	a.Store(v)
	return &a
}

func (u upgrading) Schema(tx *bolt.Tx) uint64 {
	v := tx.Bucket(bucketClusterMeta).Get([]byte("test-schema"))
	if len(v) == 0 {
		return 8
	}
	s, _ := decodeSchema(v)
	return s
}
func (u upgrading) MaxSchema() uint64 { return u.known.Load() }
func (u upgrading) Upgrade(tx *bolt.Tx, at Position, to uint64) (Outcome, error) {
	if to > u.known.Load() {
		return Outcome{}, errors.New("this keydesk does not know that schema")
	}
	meta := tx.Bucket(bucketClusterMeta)
	n, _ := decodeSchema(meta.Get([]byte("test-upgrades")))
	if err := meta.Put([]byte("test-upgrades"), encodeSchema(n+1)); err != nil {
		return Outcome{}, err
	}
	if err := chain(tx, at, fmt.Appendf(nil, "upgrade to %d", to)); err != nil {
		return Outcome{}, err
	}
	return Outcome{Result: []byte("upgraded")}, meta.Put([]byte("test-schema"), encodeSchema(to))
}

func upgradesOf(t *testing.T, m *Machine) (schema, upgrades uint64) {
	t.Helper()
	err := m.view(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketClusterMeta)
		schema = upgrading{}.Schema(tx)
		upgrades, _ = decodeSchema(meta.Get([]byte("test-upgrades")))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return schema, upgrades
}

// The leader's loop proposes the upgrade by itself once the last voter
// runs the newer binary, and only then; it proposes it once.
func TestLeaderProposesTheUpgradeWhenEveryVoterKnowsIt(t *testing.T) {
	known := []*atomic.Uint64{knows(8), knows(8), knows(8)}
	next := 0
	c := startMemCluster(&memCluster{t: t, cut: map[[2]int]bool{}, upgradeEvery: 20 * time.Millisecond}, 3, func() Executor {
		next++
		return upgrading{known: known[next-1]}
	})
	l := c.leader()
	if _, err := c.nodes[l].Apply(context.Background(), []byte("put a 1")); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		known[i].Store(9) // node i runs the newer binary
		time.Sleep(300 * time.Millisecond)
		c.settle()
		for j, m := range c.mach {
			if s, n := upgradesOf(t, m); s != 8 || n != 0 {
				t.Fatalf("%d of 3 voters upgraded: node %d at schema %d after %d upgrades", i+1, j, s, n)
			}
		}
	}
	known[2].Store(9)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if s, _ := upgradesOf(t, c.mach[c.leader()]); s == 9 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("every voter knows schema 9: no upgrade within 10 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // the loop keeps running: no second entry
	c.settle()
	for j, m := range c.mach {
		if s, n := upgradesOf(t, m); s != 9 || n != 1 {
			t.Fatalf("node %d at schema %d after %d upgrade entries", j, s, n)
		}
	}
	if _, err := c.nodes[c.leader()].Apply(context.Background(), []byte("put b 2")); err != nil {
		t.Fatal(err)
	}
	c.settle()
}

// An upgrade entry reaches the executor with the entry's position, in
// the apply's transaction; the machine reports the schemas.
func TestUpgradeEntryRunsInTheApply(t *testing.T) {
	m := newTestMachine(t, upgrading{known: knows(9)}, MachineOptions{})
	if file, max, err := m.Schemas(); file != 8 || max != 9 || err != nil {
		t.Fatalf("schemas %d %d %v", file, max, err)
	}
	up := envelope{Kind: KindUpgrade, ID: NewRequestID(), Time: testEpoch, Body: encodeSchema(9)}.encode()
	out, err := m.ApplyBatch([]Entry{{Index: 1, Term: 1, Data: up}})
	if err != nil || string(out[0].Result.Data) != "upgraded" {
		t.Fatalf("%+v %v", out, err)
	}
	if file, _, _ := m.Schemas(); file != 9 {
		t.Fatalf("file schema %d after the upgrade entry", file)
	}
}
