package ui

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/keydesk/keydesk/store"
)

func freeClusterAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// A single node's header has no cluster line; a cluster node's says
// which node it is and its role, and during a partition that the
// screens are read-only and for how long.
func TestHeaderShowsTheClusterNodeAndItsRole(t *testing.T) {
	single := newDriver(t, tDemoStore(t), 80, 24)
	single.mustNotSee("node ", "leader", "read-only")

	st := tStore(t)
	path := st.Path()
	addr := freeClusterAddr(t)
	if _, _, err := st.InitCluster("a", addr, store.NodeOptions{}); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, st, 80, 24)
	d.mustSee("node a · leader")
	if lines := strings.Split(d.view(), "\n"); len(lines) != 24 {
		t.Fatalf("the view is %d lines at 80x24", len(lines))
	}
	wide := newDriver(t, st, 160, 48)
	wide.mustSee("node a · leader")
	st.StopCluster()
	st.Close()

	// The node's peer is gone for good: a majority of two is two, and
	// the node alone never elects a leader.
	peers := filepath.Join(t.TempDir(), "peers.json")
	os.WriteFile(peers, fmt.Appendf(nil, `[{"id":"a","address":%q,"non_voter":false},{"id":"b","address":%q,"non_voter":false}]`,
		addr, freeClusterAddr(t)), 0o600)
	again, err := store.Open(path, store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if err := again.RecoverCluster(peers); err != nil {
		t.Fatal(err)
	}
	if _, err := again.StartClusterNode(store.NodeOptions{}); err != nil {
		t.Fatal(err)
	}
	defer again.StopCluster()
	p := newDriver(t, again, 80, 24)
	time.Sleep(1200 * time.Millisecond)
	p.send(clusterTickMsg{})
	p.mustSee("node a · read-only: no leader reachable for")
	if lines := strings.Split(p.view(), "\n"); len(lines) != 24 {
		t.Fatalf("the view is %d lines at 80x24", len(lines))
	}
	t.Logf("\n%s", strings.Join(strings.Split(p.view(), "\n")[:4], "\n"))
}
