package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/cluster"
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

// newOldSchemaCluster is newStoreCluster on a schema-8 file, every node
// running a keydesk that knows schema 8 only (schemaCap), every file a
// cluster node's (so Open treats it as one).
func newOldSchemaCluster(t *testing.T) *storeCluster { return newCappedCluster(t, 8) }

// newCappedCluster is newOldSchemaCluster on a file of schema old.
func newCappedCluster(t *testing.T, old uint64) *storeCluster {
	return newStoreClusterOf(t, clusterSetup{nodes: 3, schemaCap: old, marked: true})
}

// restartWith stops node i and starts it again on its file and Raft log
// with a keydesk that knows schema max (0: this one's).
func (c *storeCluster) restartWith(i int, max uint64) {
	c.t.Helper()
	c.kill(i)
	path := c.stores[i].Path()
	c.stores[i].Close()
	s, err := Open(path, Options{NoSync: true, schemaCap: max})
	if err != nil {
		c.t.Fatalf("node %d with a keydesk of schema %d: %v", i, max, err)
	}
	m, err := s.Replicate(cluster.MachineOptions{})
	if err != nil {
		c.t.Fatal(err)
	}
	c.stores[i], c.mach[i] = s, m
	c.start(i)
}

func (c *storeCluster) schemaOf(i int) uint64 {
	var v uint64
	c.stores[i].view(func(tx *bolt.Tx) error { v = fileSchema(tx); return nil })
	return v
}

// codeFormats counts node i's stored codes by their format byte.
func (c *storeCluster) codeFormats(i int) map[byte]int {
	out := map[byte]int{}
	c.stores[i].view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketCodes).ForEach(func(_, v []byte) error {
			if len(v) > 0 {
				out[v[0]]++
			}
			return nil
		})
	})
	return out
}

// upgradeEntries is node i's trail's entries written by an upgrade.
func (c *storeCluster) upgradeEntries(i int) []model.AuditEntry {
	c.t.Helper()
	var out []model.AuditEntry
	err := c.stores[i].AuditOldestFirst(tAdmin, func(e model.AuditEntry) error {
		if e.Actor == "keydesk upgrade" {
			out = append(out, e)
		}
		return nil
	})
	if err != nil {
		c.t.Fatal(err)
	}
	return out
}

func (c *storeCluster) proposeUpgrade() (uint64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for range 20 {
		to, err := c.nodes[c.leader()].ProposeUpgrade(ctx)
		if err == nil || ctx.Err() != nil {
			return to, err
		}
		time.Sleep(50 * time.Millisecond) // leadership moved meanwhile
	}
	return 0, fmt.Errorf("no leader would propose")
}

// A rolling upgrade: the nodes move to the newer keydesk one at a time;
// while one voter still runs the older one nothing is upgraded, the
// newer nodes apply the older nodes' writes in the file's schema and
// refuse their own, reads go on; once every voter runs the newer keydesk
// one upgrade entry migrates every node's file in the same apply (same
// records, same audit head), and writes work everywhere. A node that
// meets the upgrade entry with the older keydesk halts, and says why.
func TestClusterSchemaUpgradeThroughTheLog(t *testing.T) {
	c := newOldSchemaCluster(t)
	l := c.leader()
	if _, err := c.stores[l].ImportKeys(tAdmin, keyRows("K1", "K2", "K3")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.stores[(l+1)%3].AddEmployee(tAdmin, model.EmployeeInput{FirstName: "Ann", LastName: "Lee", Email: "ann@example.com"}, "K1"); err != nil {
		t.Fatal(err)
	}
	c.settle()
	if to, err := c.proposeUpgrade(); to != 0 || err != nil {
		t.Fatalf("every node on the older keydesk: upgrade to %d, %v", to, err)
	}
	var beforeUpgrade string // node 2's file just before the upgrade entry
	for i := range 3 {
		c.restartWith(i, 0)
		c.settle()
		if v := c.schemaOf(i); v != 8 {
			t.Fatalf("node %d upgraded its file on its own to schema %d", i, v)
		}
		_, err := c.stores[i].AddEmployee(tAdmin, model.EmployeeInput{FirstName: "No", LastName: fmt.Sprint(i), Email: fmt.Sprintf("no%d@example.com", i)}, "")
		if err == nil || !strings.Contains(err.Error(), "upgrade in progress") {
			t.Fatalf("a write on node %d, upgraded before the others: %v", i, err)
		}
		if n := c.keyCount(i); n != 3 {
			t.Fatalf("node %d reads %d keys", i, n)
		}
		if i == 1 {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			r, err := c.nodes[1].Schemas(ctx)
			cancel()
			if err != nil || !strings.Contains(r.Words(), "2 of 3 voters") || !strings.Contains(r.Words(), "older keydesk: 2") {
				t.Fatalf("node 1's report of the upgrade: %q, %v", r.Words(), err)
			}
			if st := c.nodes[1].Status(); st.Schema != 8 || st.MaxSchema != schemaVersion {
				t.Fatalf("node 1's status: schema %d, knows %d", st.Schema, st.MaxSchema)
			}
		}
		if i < 2 {
			c.writeSome(2, fmt.Sprintf("old%d-", i), 2) // node 2 is on the older keydesk still
			// An assignment makes a code: sealed as schema 8 does, on the
			// upgraded nodes too (settle compares the data).
			if _, err := c.stores[2].AddEmployee(tAdmin, model.EmployeeInput{FirstName: "Kay", LastName: fmt.Sprint(i), Email: fmt.Sprintf("kay%d@example.com", i)}, fmt.Sprintf("K%d", i+2)); err != nil {
				t.Fatal(err)
			}
			if to, err := c.proposeUpgrade(); to != 0 || err != nil {
				t.Fatalf("%d of 3 voters upgraded: upgrade to %d, %v", i+1, to, err)
			}
			c.settle()
		}
		if n := len(c.upgradeEntries(i)); n != 0 {
			t.Fatalf("node %d has %d upgrade entries before the upgrade", i, n)
		}
	}
	for i := range 3 { // every code, also those the upgraded nodes applied, as schema 8 stores them
		if f := c.codeFormats(i); f[record.SealedCodeFormat] != 3 || len(f) != 1 {
			t.Fatalf("node %d's codes before the upgrade, by format: %v", i, f)
		}
	}
	beforeUpgrade = filepath.Join(t.TempDir(), "node2-schema8.db")
	if err := c.stores[2].DB().View(func(tx *bolt.Tx) error { return tx.CopyFile(beforeUpgrade, 0o600) }); err != nil {
		t.Fatal(err)
	}

	if to, err := c.proposeUpgrade(); to != schemaVersion || err != nil {
		t.Fatalf("every voter upgraded: upgrade to %d, %v", to, err)
	}
	if to, err := c.proposeUpgrade(); to != 0 || err != nil {
		t.Fatalf("a second proposal: upgrade to %d, %v", to, err)
	}
	c.settle() // same audit head and the same data on every node
	var first []model.AuditEntry
	for i := range 3 {
		if v := c.schemaOf(i); v != schemaVersion {
			t.Fatalf("node %d is of schema %d after the upgrade", i, v)
		}
		got := c.upgradeEntries(i)
		if len(got) != 1 || !strings.HasPrefix(got[0].Note, "schema 9:") {
			t.Fatalf("node %d's upgrade entries: %+v", i, got)
		}
		if i == 0 {
			first = got
		} else if got[0].Hash != first[0].Hash || !got[0].Time.Equal(first[0].Time) {
			t.Fatalf("node %d's upgrade entry %+v, node 0's %+v", i, got[0], first[0])
		}
	}
	for i := range 3 {
		if f := c.codeFormats(i); f[record.BoundCodeFormat] != 3 || len(f) != 1 {
			t.Fatalf("node %d's codes after the upgrade, by format: %v", i, f)
		}
		c.writeSome(i, fmt.Sprintf("after%d-", i), 1)
	}
	c.settle()

	// Node 2 back on the older keydesk, its file as it was before the
	// upgrade entry: it halts at that entry, and never applies past it.
	c.kill(2)
	path := c.stores[2].Path()
	c.stores[2].Close()
	data, err := os.ReadFile(beforeUpgrade)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, data, 0o600)
	s, err := Open(path, Options{NoSync: true, schemaCap: 8})
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.Replicate(cluster.MachineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	stoppedAt := m.LastApplied()
	c.stores[2], c.mach[2] = s, m
	c.start(2)
	deadline := time.Now().Add(10 * time.Second)
	for m.Halted() == nil && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	h := m.Halted()
	if h == nil || !strings.Contains(h.Error(), fmt.Sprintf("to %d, which this keydesk does not know", schemaVersion)) || !strings.Contains(h.Error(), "never skips") {
		t.Fatalf("the older keydesk at the upgrade entry: %v", h)
	}
	if v := c.schemaOf(2); v != 8 {
		t.Fatalf("the halted node's file is of schema %d", v)
	}
	if got := m.LastApplied(); got < stoppedAt {
		t.Fatalf("applied index went back from %d to %d", stoppedAt, got)
	}
	if n := len(c.upgradeEntries(2)); n != 0 {
		t.Fatalf("the halted node wrote %d upgrade entries", n)
	}
}

// A snapshot of a schema this keydesk does not know is refused (the
// node stays behind rather than misread it); one it knows is taken, and
// the store then writes that file's schema.
func TestClusterSnapshotSchema(t *testing.T) {
	dir := t.TempDir()
	old, err := Open(filepath.Join(dir, "old.db"), Options{NoSync: true, schemaCap: 8})
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	cur, err := Open(filepath.Join(dir, "new.db"), Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer cur.Close()
	if err := old.checkSnapshotSchema(cur.DB()); err == nil || !strings.Contains(err.Error(), "does not know") {
		t.Fatalf("an older keydesk given a schema-9 snapshot: %v", err)
	}
	if err := cur.checkSnapshotSchema(old.DB()); err != nil {
		t.Fatalf("a newer keydesk given a schema-8 snapshot: %v", err)
	}
	cur.schemaReplaced(old.DB())
	if !cur.olderRecords.Load() {
		t.Fatal("after a schema-8 file replaced it, the store writes schema 9's records")
	}
	cur.schemaReplaced(cur.DB())
	if cur.olderRecords.Load() {
		t.Fatal("after a schema-9 file replaced it, the store writes schema 8's records")
	}
}
