package store

import (
	"fmt"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/cluster"
	bolt "go.etcd.io/bbolt"
)

func manyKeyRows(prefix string, n int) []KeyRow {
	rows := make([]KeyRow, n)
	for i := range rows {
		rows[i] = KeyRow{Line: i + 2, KeyInput: model.KeyInput{Serial: fmt.Sprintf("%s-%06d", prefix, i),
			MAC: fmt.Sprintf("02:00:%02X:%02X:%02X:%02X", prefix[0], i>>16&0xff, i>>8&0xff, i&0xff), Model: "YubiKey 5 NFC", Firmware: "5.7.1"}}
	}
	return rows
}

// staged counts the parts waiting in node i's file.
func (c *storeCluster) staged(i int) int {
	n := 0
	c.stores[i].db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketImportStaging); b != nil {
			n = b.Stats().KeyN
		}
		return nil
	})
	return n
}

func (c *storeCluster) keyCount(i int) int {
	counts, err := c.stores[i].StatusCounts()
	if err != nil {
		c.t.Fatal(err)
	}
	n := 0
	for _, k := range counts {
		n += k
	}
	return n
}

// An import larger than one log entry may carry goes in parts and is
// still all or nothing: every node gets every row, or none.
func TestClusterImportInParts(t *testing.T) {
	defer func(n int) { importPartSize = n }(importPartSize)
	importPartSize = 4 << 10
	c := newStoreCluster(t, 3)
	l := c.leader()
	f := (l + 1) % 3

	rows := manyKeyRows("K", 600)
	body, err := EncodeCommand(&Command{Version: commandVersion, Op: model.OpImportKeys, Args: importKeysArgs{Rows: rows}}, c.stores[l].box)
	if err != nil || len(body) < 4*importPartSize {
		t.Fatalf("the import is %d bytes (%v): it would not go in parts", len(body), err)
	}
	if n, err := c.stores[f].ImportKeys(tAdmin, rows); err != nil || n != 600 {
		t.Fatalf("import through a follower: %d, %v", n, err)
	}
	head := c.settle()
	for i := range 3 {
		if got := c.keyCount(i); got != 600 {
			t.Fatalf("node %d holds %d keys", i, got)
		}
		if got := c.staged(i); got != 0 {
			t.Fatalf("node %d keeps %d staged parts after the commit", i, got)
		}
	}

	// The last part holds a serial the database has: the whole import is
	// refused, on every node, and its parts are discarded.
	bad := manyKeyRows("L", 600)
	bad[len(bad)-1].Serial = "K-000007"
	if _, err := c.stores[f].ImportKeys(tAdmin, bad); err == nil {
		t.Fatal("an import with a taken serial was accepted")
	} else {
		t.Logf("refused: %v", err)
	}
	after := c.settle()
	for i := range 3 {
		if got := c.keyCount(i); got != 600 {
			t.Fatalf("node %d holds %d keys after a refused import", i, got)
		}
		if _, err := c.stores[i].Key("L-000000"); err == nil {
			t.Fatalf("node %d holds the refused import's first row", i)
		}
		if got := c.staged(i); got != 0 {
			t.Fatalf("node %d keeps %d parts of a refused import", i, got)
		}
	}
	if after != head {
		t.Fatalf("a refused import moved the audit trail: %v -> %v", head, after)
	}
}

// Above what one log entry carries (cluster.MaxCommandSize), an import
// was refused on a cluster; at the production part size it goes through.
func TestClusterImportAboveOneEntry(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 12,000 keys on three nodes")
	}
	// Three nodes apply 12,000 keys in one transaction each, on two
	// cores, under the race detector: give the commit its time.
	defer func(d time.Duration) { clusterRetryFor = d }(clusterRetryFor)
	clusterRetryFor = 2 * time.Minute
	c := newStoreCluster(t, 3)
	rows := manyKeyRows("BIG", 12000)
	body, _ := EncodeCommand(&Command{Version: commandVersion, Op: model.OpImportKeys, Args: importKeysArgs{Rows: rows}}, c.stores[0].box)
	if len(body) <= cluster.MaxCommandSize {
		t.Fatalf("the import is %d bytes, not above one entry's %d", len(body), cluster.MaxCommandSize)
	}
	if n, err := c.stores[c.leader()].ImportKeys(tAdmin, rows); err != nil || n != len(rows) {
		t.Fatalf("import: %d, %v", n, err)
	}
	c.settle()
	for i := range 3 {
		if got := c.keyCount(i); got != len(rows) {
			t.Fatalf("node %d holds %d keys", i, got)
		}
	}
}
