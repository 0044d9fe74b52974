package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The nemesis of the chaos run: one fault at a time, each healed before
// the next: the leader killed with SIGKILL and restarted, a node paused
// with SIGSTOP (the leader too: the stale-leader case), and links cut
// with iptables on the loopback interface (the leader isolated, a pair
// of nodes cut both ways, one direction dropped, the leader isolated
// for longer than a write retries).

// firewall cuts links between the nodes' addresses, in a chain of its
// own (KEYDESK-CHAOS-<pid>) that INPUT and OUTPUT jump to only for
// 127.0.0.0/30 and this run's cluster ports; t.Cleanup removes it.
type firewall struct {
	tb    testing.TB
	chain string
	jumps [][]string // the rules of INPUT and OUTPUT that jump to chain
	ok    bool
}

func iptables(args ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	// -w: wait for the xtables lock, which others may hold.
	out, err := exec.CommandContext(ctx, "iptables", append([]string{"-w", "10"}, args...)...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("iptables %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// newFirewall sets the chain up, or says in the log why partitions are
// left out of this run (no iptables, no permission, no nf_tables).
func newFirewall(tb testing.TB, c *chaosCluster) *firewall {
	f := &firewall{tb: tb, chain: fmt.Sprintf("KEYDESK-CHAOS-%d", os.Getpid())}
	if _, err := exec.LookPath("iptables"); err != nil {
		tb.Logf("partitions left out of this run: iptables is not installed (.ci/run installs it): %v", err)
		return f
	}
	removeStaleChains(tb)
	if err := iptables("-N", f.chain); err != nil {
		tb.Logf("partitions left out of this run: cannot make an iptables chain: %v", err)
		return f
	}
	tb.Cleanup(f.remove)
	ports := strings.Join(c.clusterPorts(), ",")
	match := []string{"-s", "127.0.0.0/30", "-d", "127.0.0.0/30", "-p", "tcp", "-m", "multiport", "--ports", ports, "-j", f.chain}
	for _, jump := range [][]string{
		append([]string{"INPUT", "-i", "lo"}, match...),
		append([]string{"OUTPUT", "-o", "lo"}, match...),
	} {
		if err := iptables(append([]string{"-I"}, jump...)...); err != nil {
			tb.Logf("partitions left out of this run: %v", err)
			return f
		}
		f.jumps = append(f.jumps, jump)
	}
	// Does a cut cut? a's address dialling b's cluster port must fail.
	a, b := c.nodes[0], c.nodes[1]
	if err := iptables("-A", f.chain, "-s", a.host, "-d", b.host, "-j", "DROP"); err != nil {
		tb.Logf("partitions left out of this run: %v", err)
		return f
	}
	d := net.Dialer{Timeout: time.Second, LocalAddr: &net.TCPAddr{IP: net.ParseIP(a.host)}}
	conn, err := d.Dial("tcp", b.clusterAddr)
	if err == nil {
		conn.Close()
		tb.Logf("partitions left out of this run: a rule of chain %s did not stop a connection from %s to %s", f.chain, a.host, b.clusterAddr)
		f.heal()
		return f
	}
	f.ok = f.heal() == nil
	return f
}

// cut drops packets between a and b: both ways, or from a to b only.
func (f *firewall) cut(a, b *chaosNode, oneWay bool) error {
	if err := iptables("-A", f.chain, "-s", a.host, "-d", b.host, "-j", "DROP"); err != nil || oneWay {
		return err
	}
	return iptables("-A", f.chain, "-s", b.host, "-d", a.host, "-j", "DROP")
}

func (f *firewall) heal() error { return iptables("-F", f.chain) }

// remove takes the jumps and the chain away (every run, failed or not).
func (f *firewall) remove() {
	for _, jump := range f.jumps {
		for range 5 { // a rule inserted twice is deleted twice; bounded
			if iptables(append([]string{"-D"}, jump...)...) != nil {
				break
			}
		}
	}
	if err := iptables("-F", f.chain); err != nil {
		f.tb.Errorf("cannot empty the test's chain: %v", err)
	}
	if err := iptables("-X", f.chain); err != nil {
		f.tb.Errorf("cannot remove the test's chain: %v", err)
	}
}

// removeStaleChains removes the chains of earlier runs whose process is
// gone (a run killed by go test's timeout runs no cleanup); only this
// test's own chains, named KEYDESK-CHAOS-<pid>.
func removeStaleChains(tb testing.TB) {
	out, err := exec.Command("iptables", "-w", "10", "-S").Output()
	if err != nil {
		return
	}
	stale := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^-N (KEYDESK-CHAOS-(\d+))$`).FindAllStringSubmatch(string(out), -1) {
		pid, _ := strconv.Atoi(m[2])
		if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); err != nil {
			stale[m[1]] = true
		}
	}
	for _, line := range strings.Split(string(out), "\n") {
		fields := strings.Fields(line)
		if len(fields) > 2 && fields[0] == "-A" && (fields[1] == "INPUT" || fields[1] == "OUTPUT") && stale[fields[len(fields)-1]] {
			iptables(append([]string{"-D"}, fields[1:]...)...)
		}
	}
	for chain := range stale {
		iptables("-F", chain)
		iptables("-X", chain)
		tb.Logf("removed the chain %s of an earlier run", chain)
	}
}

// nemesis injects faults until stop, one at a time, and counts them by
// kind.
type nemesis struct {
	c      *chaosCluster
	fw     *firewall
	rng    *rand.Rand
	mu     sync.Mutex
	counts map[string]int
	log    []string
}

func (n *nemesis) note(kind, what string, began time.Time) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.counts[kind]++
	n.log = append(n.log, fmt.Sprintf("%6.1fs %s", time.Since(began).Seconds(), what))
}

func (n *nemesis) hold() time.Duration {
	return 2*time.Second + time.Duration(n.rng.IntN(3000))*time.Millisecond
}

// run injects faults until stop; every fault is healed before it
// returns. kinds cycle in a shuffled order so that every kind happens
// in a short run.
func (n *nemesis) run(stop time.Time, began time.Time) {
	kinds := []string{"kill-leader", "pause"}
	if n.fw.ok {
		kinds = append(kinds, "isolate-leader", "cut-pair", "one-way", "isolate-leader-long")
	}
	var order []string
	for i := 0; time.Until(stop) > 15*time.Second && i < 1000; i++ {
		if len(order) == 0 {
			order = append(order, kinds...)
			n.rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		}
		kind := order[0]
		order = order[1:]
		n.inject(kind, began)
		time.Sleep(2*time.Second + time.Duration(n.rng.IntN(2000))*time.Millisecond)
	}
}

func (n *nemesis) inject(kind string, began time.Time) {
	nodes := n.c.nodes
	other := func(not ...*chaosNode) []*chaosNode {
		var out []*chaosNode
	next:
		for _, x := range nodes {
			for _, y := range not {
				if x == y {
					continue next
				}
			}
			out = append(out, x)
		}
		return out
	}
	leader := n.c.leader()
	if leader == nil {
		leader = nodes[n.rng.IntN(3)] // an election is on: any node will do
	}
	switch kind {
	case "kill-leader":
		leader.kill()
		n.note(kind, "SIGKILL "+leader.name, began)
		time.Sleep(n.hold())
		leader.start()
	case "pause":
		victim := nodes[n.rng.IntN(3)]
		victim.pause()
		n.note(kind, "SIGSTOP "+victim.name, began)
		time.Sleep(n.hold())
		victim.resume()
	case "isolate-leader":
		for _, o := range other(leader) {
			n.must(n.fw.cut(leader, o, false))
		}
		n.note(kind, "cut "+leader.name+" from both", began)
		time.Sleep(n.hold())
		n.must(n.fw.heal())
	case "isolate-leader-long":
		// Longer than a write's retries (10 s): a write asked of the
		// cut-off leader cannot learn its outcome ("may or may not").
		for _, o := range other(leader) {
			n.must(n.fw.cut(leader, o, false))
		}
		n.note(kind, "cut "+leader.name+" from both for 12 s", began)
		time.Sleep(12 * time.Second)
		n.must(n.fw.heal())
	case "cut-pair":
		pair := other(nodes[n.rng.IntN(3)])
		n.must(n.fw.cut(pair[0], pair[1], false))
		n.note(kind, "cut "+pair[0].name+" <-> "+pair[1].name, began)
		time.Sleep(n.hold())
		n.must(n.fw.heal())
	case "one-way":
		// Drops from the leader to one follower: it hears the follower,
		// the follower no longer hears it.
		to := other(leader)[n.rng.IntN(2)]
		n.must(n.fw.cut(leader, to, true))
		n.note(kind, "drop "+leader.name+" -> "+to.name, began)
		time.Sleep(n.hold())
		n.must(n.fw.heal())
	}
}

func (n *nemesis) must(err error) {
	if err != nil {
		n.c.tb.Errorf("nemesis: %v", err)
	}
}
