package e2e

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// The harness of the cluster's chaos run and benchmarks (issue 20):
// three real `keydesk serve --cluster` processes on 127.0.0.1, .2 and
// .3, each with its own folder, SSH port and cluster port, a stock of
// keys and one employee per key, and an admin key that both OpenSSH and
// in-process SSH clients log in with.

type chaosCluster struct {
	tb     testing.TB
	root   string
	nodes  []*chaosNode
	signer ssh.Signer // the admin's key, for in-process clients
	keys   int        // CH0000… and p0@example.com…, key i for employee i
}

type chaosNode struct {
	tb                                        testing.TB
	name, dir, db, host, sshPort, clusterAddr string
	ssh                                       sshClient

	mu      sync.Mutex
	cmd     *exec.Cmd
	done    chan struct{}
	stopped bool // SIGSTOPped
}

// serial and email name key i and its employee.
func serial(i int) string { return fmt.Sprintf("CH%04d", i) }
func email(i int) string  { return fmt.Sprintf("p%d@example.com", i) }

// startCluster makes the three nodes from one database of keys keys and
// as many employees, and waits until all three are voters.
func startCluster(tb testing.TB, keys int) *chaosCluster {
	tb.Helper()
	for _, tool := range []string{"ssh"} {
		if _, err := exec.LookPath(tool); err != nil {
			tb.Fatalf("%s is not installed (.ci/run installs it)", tool)
		}
	}
	c := &chaosCluster{tb: tb, root: tb.TempDir(), keys: keys}
	idPath := filepath.Join(c.root, "id_chaos")
	c.signer = writeSSHKey(tb, idPath)
	authorized := ssh.MarshalAuthorizedKey(c.signer.PublicKey())
	for i := range 3 {
		host := fmt.Sprintf("127.0.0.%d", i+1)
		name := string(rune('a' + i))
		dir := filepath.Join(c.root, name)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "authorized_keys"), authorized, 0o600); err != nil {
			tb.Fatal(err)
		}
		n := &chaosNode{tb: tb, name: name, dir: dir, db: filepath.Join(dir, "keydesk.db"),
			host: host, sshPort: freePort(tb, host), clusterAddr: net.JoinHostPort(host, freePort(tb, host))}
		n.ssh = sshClient{host: host, port: n.sshPort, identity: idPath}
		c.nodes = append(c.nodes, n)
	}
	a := c.nodes[0]

	var stock, people strings.Builder
	stock.WriteString("serial,mac,model,firmware,rfid\n")
	people.WriteString("first_name,last_name,email,phone,department,position\n")
	for i := range keys {
		fmt.Fprintf(&stock, "%s,,,,\n", serial(i))
		fmt.Fprintf(&people, "P%d,Chaos,%s,,,\n", i, email(i))
	}
	for name, text := range map[string]string{"keys.csv": stock.String(), "people.csv": people.String()} {
		if err := os.WriteFile(filepath.Join(c.root, name), []byte(text), 0o600); err != nil {
			tb.Fatal(err)
		}
	}
	mustRun(tb, keydeskBin, "--db", a.db, "import", "keys", filepath.Join(c.root, "keys.csv"))
	mustRun(tb, keydeskBin, "--db", a.db, "import", "employees", filepath.Join(c.root, "people.csv"))
	out := mustRun(tb, keydeskBin, "--db", a.db, "cluster", "init", "--node-id", "a", "--cluster-addr", a.clusterAddr)
	ca := regexp.MustCompile(`--ca (SHA256:\S+)`).FindStringSubmatch(out)
	token := regexp.MustCompile(`--token (kdjoin-\S+)`).FindStringSubmatch(out)
	if ca == nil || token == nil {
		tb.Fatalf("cluster init printed no join line:\n%s", out)
	}
	a.start()
	key, err := os.ReadFile(filepath.Join(a.dir, "keydesk.key"))
	if err != nil {
		tb.Fatal(err)
	}
	for i, n := range c.nodes[1:] {
		tok := token[1]
		if i > 0 {
			r := a.command(30*time.Second, "cluster", "token")
			if r.code != 0 {
				tb.Fatalf("cluster token exited %d: %s", r.code, r.stderr)
			}
			tok = strings.TrimSpace(r.stdout)
		}
		if err := os.WriteFile(filepath.Join(n.dir, "keydesk.key"), key, 0o600); err != nil {
			tb.Fatal(err)
		}
		mustRun(tb, keydeskBin, "--db", n.db, "cluster", "join", "--node-id", n.name, "--cluster-addr", n.clusterAddr,
			"--leader", a.clusterAddr, "--ca", ca[1], "--token", tok)
		n.start()
	}
	waitFor(tb, 60*time.Second, "three voters", func() bool {
		return strings.Count(a.command(10*time.Second, "cluster", "status").stdout, " voter\n") == 3
	})
	return c
}

// clusterPorts are the cluster ports of the nodes.
func (c *chaosCluster) clusterPorts() []string {
	var ports []string
	for _, n := range c.nodes {
		_, port, _ := net.SplitHostPort(n.clusterAddr)
		ports = append(ports, port)
	}
	return ports
}

// status is what `cluster status` on a node says, parsed; ok is false
// when the node did not answer.
type nodeStatus struct {
	ok           bool
	role, leader string
	applied      string
	head, halted string
}

var (
	statusRole    = regexp.MustCompile(`(?m)^role\s+(\w+)`)
	statusLeader  = regexp.MustCompile(`(?m)^leader\s+(\w+) \(`)
	statusApplied = regexp.MustCompile(`(?m)^applied index\s+(\d+)$`)
	statusHead    = regexp.MustCompile(`(?m)^audit head\s+(.+)$`)
	statusHalted  = regexp.MustCompile(`(?m)^HALTED\s+(.+)$`)
)

func (n *chaosNode) status(deadline time.Duration) nodeStatus {
	r := n.command(deadline, "cluster", "status")
	if r.code != 0 {
		return nodeStatus{}
	}
	st := nodeStatus{ok: true}
	for re, field := range map[*regexp.Regexp]*string{statusRole: &st.role, statusLeader: &st.leader,
		statusApplied: &st.applied, statusHead: &st.head, statusHalted: &st.halted} {
		if m := re.FindStringSubmatch(r.stdout); m != nil {
			*field = strings.TrimSpace(m[1])
		}
	}
	return st
}

// leader is the node that a running node names as leader (nil if none).
func (c *chaosCluster) leader() *chaosNode {
	for _, n := range c.nodes {
		if !n.running() {
			continue
		}
		if st := n.status(5 * time.Second); st.leader != "" {
			for _, l := range c.nodes {
				if l.name == st.leader {
					return l
				}
			}
		}
	}
	return nil
}

// converged waits until every node answers with the same applied index
// and audit head, and returns them; a halted node fails the test.
func (c *chaosCluster) converged(limit time.Duration) []string {
	tb := c.tb
	tb.Helper()
	var heads []string
	waitFor(tb, limit, "every node at the same applied index and audit head", func() bool {
		heads = heads[:0]
		for _, n := range c.nodes {
			st := n.status(10 * time.Second)
			if st.halted != "" {
				tb.Fatalf("node %s halted: %s", n.name, st.halted)
			}
			if !st.ok || st.applied == "" || st.head == "" {
				return false
			}
			heads = append(heads, "applied "+st.applied+", head "+st.head)
		}
		return heads[0] == heads[1] && heads[1] == heads[2]
	})
	return heads
}

func (n *chaosNode) start() {
	n.tb.Helper()
	log, err := os.OpenFile(filepath.Join(n.dir, "serve.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		n.tb.Fatal(err)
	}
	cmd := exec.Command(keydeskBin, "--db", n.db, "serve", "--cluster",
		"--listen", net.JoinHostPort(n.host, n.sshPort),
		"--host-key", filepath.Join(n.dir, "host_ed25519"),
		"--authorized-keys", filepath.Join(n.dir, "authorized_keys"))
	cmd.Env = testEnv()
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		n.tb.Fatal(err)
	}
	log.Close()
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	n.mu.Lock()
	n.cmd, n.done, n.stopped = cmd, done, false
	n.mu.Unlock()
	n.tb.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGCONT)
		cmd.Process.Kill()
		<-done
	})
	waitFor(n.tb, 60*time.Second, "node "+n.name+" serving", func() bool {
		select {
		case <-done:
			n.tb.Fatalf("node %s exited at start:\n%s", n.name, n.logTail())
		default:
		}
		c, err := net.DialTimeout("tcp", net.JoinHostPort(n.host, n.sshPort), time.Second)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
}

// running reports whether the node's process is alive (paused or not).
func (n *chaosNode) running() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.cmd == nil {
		return false
	}
	select {
	case <-n.done:
		return false
	default:
		return true
	}
}

// kill ends the node with SIGKILL, as a power cut would.
func (n *chaosNode) kill() {
	n.mu.Lock()
	cmd, done := n.cmd, n.done
	n.stopped = false
	n.mu.Unlock()
	cmd.Process.Signal(syscall.SIGCONT)
	cmd.Process.Kill()
	<-done
}

// pause and resume stop and continue the process (SIGSTOP, SIGCONT).
func (n *chaosNode) pause() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.cmd.Process.Signal(syscall.SIGSTOP)
	n.stopped = true
}

func (n *chaosNode) resume() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.cmd.Process.Signal(syscall.SIGCONT)
	n.stopped = false
}

// exited reports whether the process ended by itself (never while the
// nemesis holds it).
func (n *chaosNode) exited() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	select {
	case <-n.done:
		return n.cmd.ProcessState != nil && !n.cmd.ProcessState.Sys().(syscall.WaitStatus).Signaled()
	default:
		return false
	}
}

func (n *chaosNode) logTail() string {
	b, _ := os.ReadFile(filepath.Join(n.dir, "serve.log"))
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// command runs one command over OpenSSH on n, bounded; a timeout is an
// exit code of -1 (outcome unknown), never a test failure.
func (n *chaosNode) command(deadline time.Duration, words ...string) result {
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	cmd := exec.CommandContext(ctx, "ssh", append(n.ssh.args(), words...)...)
	cmd.Env = testEnv()
	cmd.WaitDelay = time.Second
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{line: strings.Join(words, " "), stdout: out.String(), stderr: errb.String()}
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		r.code = -1
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		r.code = -1
	}
	return r
}

// writeSSHKey makes an ed25519 key, writes it where OpenSSH reads it,
// and returns it for in-process clients.
func writeSSHKey(tb testing.TB, path string) ssh.Signer {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "chaos")
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		tb.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		tb.Fatal(err)
	}
	return signer
}

// mustRun runs a program (bounded) and fails unless it exits 0.
func mustRun(tb testing.TB, name string, args ...string) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = testEnv()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		tb.Fatalf("%s %s: %v\nstdout: %s\nstderr: %s", name, strings.Join(args, " "), err, out.String(), errb.String())
	}
	return out.String()
}

func freePort(tb testing.TB, host string) string {
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

func waitFor(tb testing.TB, limit time.Duration, what string, ok func() bool) {
	tb.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			tb.Fatalf("no %s within %s", what, limit)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
