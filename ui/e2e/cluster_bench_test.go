//go:build linux

package e2e

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"golang.org/x/crypto/ssh"
)

// The cluster's figures (issue 20), for make bench: three nodes on this
// machine, each with its own folder on the same disk, the disk's flush
// measured in the same run.

// BenchmarkClusterWrite is one write alone (a key's code reissued) on a
// three-node cluster: the three nodes' stores in this process, talking
// over TLS on 127.0.0.1-3, every flush on, the write asked of the
// leader's store as BenchmarkAssign asks a single store. It reports the
// latency's p50 and p99, the same write asked of a follower (forwarded
// to the leader), and the disk's 4 KiB write + fdatasync measured in the
// nodes' folder before and after.
func BenchmarkClusterWrite(b *testing.B) {
	c := startCluster(b, 2)
	for _, n := range c.nodes {
		n.kill()
	}
	stores := make([]*store.Store, len(c.nodes))
	for i, n := range c.nodes {
		st, err := store.Open(n.db, store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close() })
		if _, err := st.StartClusterNode(store.NodeOptions{}); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.StopCluster() })
		stores[i] = st
	}
	lead, follower := -1, -1
	waitFor(b, time.Minute, "a leader", func() bool {
		for i, st := range stores {
			if st.ClusterNode().Status().State == "Leader" {
				lead, follower = i, (i+1)%len(stores)
				return true
			}
		}
		return false
	})
	admin := model.LocalAdmin("bench")
	for i := range 2 {
		if _, err := stores[lead].AssignKey(admin, store.Serial(serial(i)), email(i)); err != nil {
			b.Fatal(err)
		}
	}
	write := func(st *store.Store, key int) time.Duration {
		start := time.Now()
		if _, err := st.ReissueCode(admin, store.Serial(serial(key))); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	for range 20 { // warm: connections, pages
		write(stores[lead], 0)
		write(stores[follower], 1)
	}
	fsyncBefore := diskFlush(b, c.root, 200)
	took := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		took = append(took, write(stores[lead], 0))
	}
	b.StopTimer()
	var forwarded []time.Duration
	for range min(b.N, 500) {
		forwarded = append(forwarded, write(stores[follower], 1))
	}
	fsync := (fsyncBefore + diskFlush(b, c.root, 200)) / 2
	p50 := percentile(took, 50)
	b.ReportMetric(ms(p50), "p50-ms")
	b.ReportMetric(ms(percentile(took, 99)), "p99-ms")
	b.ReportMetric(ms(percentile(forwarded, 50)), "forwarded-p50-ms")
	b.ReportMetric(ms(fsync), "fsync-p50-ms")
	b.ReportMetric(float64(p50)/float64(fsync), "x-fsync")
}

// BenchmarkClusterSessions is 50 admins at once over SSH (in-process
// clients, one SSH session per command), spread over the three serve
// --cluster processes, each running 20 commands on keys of its own: for
// 5 keys, assign, show the code, the device activating it, suspend (the
// work of the single node's BenchmarkConcurrentSessions). Two commands
// in three reach a follower and are forwarded to the leader.
func BenchmarkClusterSessions(b *testing.B) {
	const sessions, keysEach = 50, 5
	const maxRuns = 8
	c := startCluster(b, sessions*keysEach*maxRuns)
	if b.N > maxRuns {
		b.Fatalf("b.N = %d: the cluster has keys for %d runs; use -benchtime=%dx or less", b.N, maxRuns, maxRuns)
	}
	clients := make([]*ssh.Client, sessions)
	for i := range clients {
		clients[i] = c.dial(b, c.nodes[i%3])
	}
	fsyncBefore := diskFlush(b, c.root, 200)
	var mu sync.Mutex
	var took []time.Duration
	failed := 0
	serversBefore, clientBefore := c.cpu(), selfCPU()
	b.ResetTimer()
	for run := range b.N {
		var wg sync.WaitGroup
		for i, cl := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var mine []time.Duration
				timed := func(cmd string) (string, bool) {
					start := time.Now()
					out, _, err := sshRun(cl, cmd)
					if err != nil {
						mu.Lock()
						failed++
						mu.Unlock()
						return "", false
					}
					mine = append(mine, time.Since(start))
					first, _, _ := bytes.Cut(out, []byte("\n"))
					return string(first), true
				}
				for k := range keysEach {
					key := (run*sessions+i)*keysEach + k
					s := serial(key)
					code, ok := timed("key assign " + s + " " + email(key))
					if !ok {
						continue
					}
					timed("key code " + s)
					timed("device activate " + s + " " + code)
					timed("key suspend " + s)
				}
				mu.Lock()
				took = append(took, mine...)
				mu.Unlock()
			}()
		}
		wg.Wait()
	}
	b.StopTimer()
	servers, client := c.cpu()-serversBefore, selfCPU()-clientBefore
	if failed > 0 {
		b.Errorf("%d of %d commands failed", failed, failed+len(took))
	}
	b.ReportMetric(float64(len(took))/b.Elapsed().Seconds(), "ops/s")
	b.ReportMetric(ms(percentile(took, 50)), "p50-ms")
	b.ReportMetric(ms(percentile(took, 99)), "p99-ms")
	b.ReportMetric(ms((fsyncBefore+diskFlush(b, c.root, 200))/2), "fsync-p50-ms")
	// CPU per operation: the three nodes', and the SSH clients' (this
	// process); what the rate would be with two idle cores follows.
	b.ReportMetric(ms(servers)/float64(len(took)), "nodes-cpu-ms/op")
	b.ReportMetric(ms(client)/float64(len(took)), "clients-cpu-ms/op")
	c.converged(time.Minute)
}

// BenchmarkClusterLeaderKill kills the leader with SIGKILL while 20 SSH
// sessions, spread over the three nodes, write without pause (each
// reissues its own key's code): the figure is the time from the kill
// to the first write asked after the kill that succeeds (the sessions of
// the killed node fail; the others' writes wait for a new leader). Three
// kills, the killed node restarted and caught up after each.
func BenchmarkClusterLeaderKill(b *testing.B) {
	const sessions, kills = 20, 3
	c := startCluster(b, sessions)
	admins := make([]*ssh.Client, sessions)
	for i := range admins {
		admins[i] = c.dial(b, c.nodes[i%3])
		if _, stderr, err := sshRun(admins[i], "key assign "+serial(i)+" "+email(i)); err != nil {
			b.Fatalf("assign: %v: %s", err, stderr)
		}
	}
	var recovery []time.Duration
	b.ResetTimer()
	for range b.N {
		for range kills {
			leader := c.leader()
			if leader == nil {
				b.Fatal("no leader")
			}
			var mu sync.Mutex
			var killedAt time.Time
			first := time.Duration(-1)
			stop := make(chan struct{})
			var wg sync.WaitGroup
			for i, cl := range admins {
				if c.nodes[i%3] == leader {
					continue
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					for n := 0; n < 100000; n++ {
						select {
						case <-stop:
							return
						default:
						}
						start := time.Now()
						_, _, err := sshRun(cl, "key reissue "+serial(i))
						end := time.Now()
						mu.Lock()
						if err == nil && !killedAt.IsZero() && !start.Before(killedAt) && (first < 0 || end.Sub(killedAt) < first) {
							first = end.Sub(killedAt)
						}
						mu.Unlock()
					}
				}()
			}
			time.Sleep(time.Second) // under load
			mu.Lock()
			killedAt = time.Now()
			mu.Unlock()
			leader.kill()
			waitFor(b, 30*time.Second, "a write after the kill", func() bool {
				mu.Lock()
				defer mu.Unlock()
				return first >= 0
			})
			close(stop)
			wg.Wait()
			recovery = append(recovery, first)
			leader.start()
			for i := range admins {
				if c.nodes[i%3] == leader {
					admins[i].Close()
					admins[i] = c.dial(b, leader)
				}
			}
			c.converged(time.Minute)
		}
	}
	b.StopTimer()
	b.ReportMetric(ms(percentile(recovery, 50)), "recovery-p50-ms")
	b.ReportMetric(ms(slices.Max(recovery)), "recovery-max-ms")
}

// cpu is the CPU time the running nodes have used (user + system).
func (c *chaosCluster) cpu() time.Duration {
	var total time.Duration
	for _, n := range c.nodes {
		n.mu.Lock()
		pid := n.cmd.Process.Pid
		n.mu.Unlock()
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		// The fields after the command's name (which is in parentheses):
		// utime and stime are the 12th and 13th, in clock ticks (100/s).
		_, rest, _ := strings.Cut(string(stat), ") ")
		f := strings.Fields(rest)
		if len(f) < 13 {
			continue
		}
		user, _ := strconv.Atoi(f[11])
		sys, _ := strconv.Atoi(f[12])
		total += time.Duration(user+sys) * 10 * time.Millisecond
	}
	return total
}

// selfCPU is the CPU time this process has used.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// dial opens an in-process SSH connection to n as the admin; it is
// closed with the benchmark.
func (c *chaosCluster) dial(tb testing.TB, n *chaosNode) *ssh.Client {
	cl, err := ssh.Dial("tcp", n.host+":"+n.sshPort, &ssh.ClientConfig{
		User: "admin", Auth: []ssh.AuthMethod{ssh.PublicKeys(c.signer)},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second,
	})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { cl.Close() })
	return cl
}

// sshRun runs one command in a new session on cl.
func sshRun(cl *ssh.Client, cmd string) (stdout []byte, stderr string, err error) {
	sess, err := cl.NewSession()
	if err != nil {
		return nil, "", err
	}
	defer sess.Close()
	var out, errb bytes.Buffer
	sess.Stdout, sess.Stderr = &out, &errb
	err = sess.Run(cmd)
	return out.Bytes(), errb.String(), err
}

// diskFlush is the median of n 4 KiB writes + fdatasync in dir.
func diskFlush(tb testing.TB, dir string, n int) time.Duration {
	f, err := os.CreateTemp(dir, "flush-*")
	if err != nil {
		tb.Fatal(err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	page := make([]byte, 4096)
	took := make([]time.Duration, n)
	for i := range took {
		start := time.Now()
		page[0] = byte(i)
		if _, err := f.WriteAt(page, 0); err != nil {
			tb.Fatal(err)
		}
		if err := syscall.Fdatasync(int(f.Fd())); err != nil {
			tb.Fatal(err)
		}
		took[i] = time.Since(start)
	}
	return percentile(took, 50)
}

func percentile(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[min(len(s)-1, len(s)*p/100)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
