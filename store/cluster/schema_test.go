package cluster

import (
	"errors"
	"strings"
	"testing"

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

// upgrading is a ledger that can upgrade: its schema is a meta key.
type upgrading struct {
	ledger
	max uint64
}

func (u upgrading) Schema(tx *bolt.Tx) uint64 {
	v := tx.Bucket(bucketClusterMeta).Get([]byte("test-schema"))
	if len(v) == 0 {
		return 8
	}
	s, _ := decodeSchema(v)
	return s
}
func (u upgrading) MaxSchema() uint64 { return u.max }
func (u upgrading) Upgrade(tx *bolt.Tx, at Position, to uint64) (Outcome, error) {
	if to > u.max {
		return Outcome{}, errors.New("this keydesk does not know that schema")
	}
	return Outcome{Result: []byte("upgraded")}, tx.Bucket(bucketClusterMeta).Put([]byte("test-schema"), encodeSchema(to))
}

// An upgrade entry reaches the executor with the entry's position, in
// the apply's transaction; the machine reports the schemas.
func TestUpgradeEntryRunsInTheApply(t *testing.T) {
	m := newTestMachine(t, upgrading{max: 9}, MachineOptions{})
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
