package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/cluster"
	bolt "go.etcd.io/bbolt"
)

// writeSome adds n employees through node i.
func (c *storeCluster) writeSome(i int, prefix string, n int) {
	c.t.Helper()
	for j := range n {
		email := fmt.Sprintf("%s%d@example.com", prefix, j)
		if _, err := c.stores[i].AddEmployee(tAdmin, model.EmployeeInput{FirstName: "E", LastName: fmt.Sprintf("%s%d", prefix, j), Email: email}, ""); err != nil {
			c.t.Fatalf("write through node %d: %v", i, err)
		}
	}
}

// caughtUp waits until every running node has applied the leader's log.
func (c *storeCluster) caughtUp() {
	c.t.Helper()
	// Fast timings under -race: leadership may move during the barrier.
	l, err := -1, error(nil)
	for range 20 {
		l = c.leader()
		if err = c.nodes[l].Barrier(5 * time.Second); err == nil {
			break
		}
	}
	if err != nil {
		c.t.Fatal(err)
	}
	want := c.mach[l].LastApplied()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for i, m := range c.mach {
		if c.up[i] {
			if err := m.WaitApplied(ctx, want); err != nil {
				c.t.Fatalf("node %d did not reach index %d: %v", i, want, err)
			}
		}
	}
}

// tamper changes node i's file outside keydesk: its audit head no longer
// is the hash of its last entry, so every entry it chains from now on
// differs from the other nodes'.
func (c *storeCluster) tamper(i int) {
	c.t.Helper()
	err := c.stores[i].db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(metaAuditHead, []byte(strings.Repeat("\xaa", 32)))
	})
	if err != nil {
		c.t.Fatal(err)
	}
}

func compare(t *testing.T, n *cluster.Node) cluster.Comparison {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	cmp, err := n.CompareCheckpoints(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return cmp
}

// A node whose file was changed outside keydesk diverges from the
// others' audit chain: the checkpoint comparison finds it, it says so in
// words and stops serving; the majority goes on.
func TestClusterNodeWhoseTrailDivergesStops(t *testing.T) {
	for _, which := range []string{"follower", "leader"} {
		t.Run(which, func(t *testing.T) {
			c := newStoreCluster(t, 3, cluster.MachineOptions{CheckpointEvery: 4})
			l := c.leader()
			c.writeSome(l, "before", 6)
			c.caughtUp()
			for i := range 3 {
				if cmp := compare(t, c.nodes[i]); len(cmp.Agree) != 2 || cmp.Diverged || cmp.Words != "" {
					t.Fatalf("node %d before any tampering: %+v", i, cmp)
				}
			}

			bad := (l + 1) % 3
			if which == "leader" {
				bad = l
			}
			c.tamper(bad)
			c.writeSome(l, "after", 8)
			c.caughtUp()

			var good []int
			for i := range 3 {
				if i != bad {
					good = append(good, i)
				}
			}
			for _, i := range good {
				cmp := compare(t, c.nodes[i])
				if cmp.Diverged || len(cmp.Differ) != 1 || cmp.Differ[0] != fmt.Sprint(bad) || !strings.Contains(cmp.Words, "node "+fmt.Sprint(bad)) {
					t.Fatalf("good node %d: %+v", i, cmp)
				}
				if c.mach[i].Halted() != nil {
					t.Fatalf("good node %d stopped: %v", i, c.mach[i].Halted())
				}
			}
			cmp := compare(t, c.nodes[bad])
			if !cmp.Diverged || len(cmp.Differ) != 2 {
				t.Fatalf("the tampered node: %+v", cmp)
			}
			halted := c.mach[bad].Halted()
			if halted == nil || !errors.Is(halted, cluster.ErrDiverged) || !strings.Contains(halted.Error(), "cluster remove "+fmt.Sprint(bad)) {
				t.Fatalf("the tampered node's halt: %v", halted)
			}
			t.Logf("the tampered node says: %v", halted)
			if st := c.nodes[bad].Status(); !strings.Contains(st.Halted, "differs") {
				t.Fatalf("cluster status on the tampered node: %+v", st)
			}
			if _, err := c.stores[bad].AddEmployee(tAdmin, model.EmployeeInput{FirstName: "X", LastName: "Y", Email: "x@example.com"}, ""); err == nil || !errors.Is(err, cluster.ErrHalted) {
				t.Fatalf("a write through the stopped node: %v", err)
			}
			// The majority goes on writing (after an election when the
			// leader was the one that stopped).
			c.mu.Lock()
			c.up[bad] = false
			c.mu.Unlock()
			c.writeSome(good[0], "later", 2)
			c.caughtUp()
			a, _ := c.stores[good[0]].AuditHead()
			b, _ := c.stores[good[1]].AuditHead()
			if a != b {
				t.Fatalf("the majority's heads differ: %v %v", a, b)
			}
		})
	}
}
