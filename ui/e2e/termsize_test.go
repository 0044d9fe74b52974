package e2e

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	gossh "golang.org/x/crypto/ssh"
)

// rssCeiling is what serve may hold at its peak while one admin claims
// the largest terminal there is: a screen is drawn at most 1000x1000
// cells, a few MiB a frame, so this is far above what it needs and far
// below what an unbounded size takes (gigabytes within seconds).
const rssCeiling = 256 << 20

// rssGuard is where the test stops serve rather than let it take the
// shared machine down: well above the ceiling, so a failure still says
// by how much.
const rssGuard = 1 << 30

// A terminal size is input like any other. An admin whose terminal
// claims 65535x65535 (OpenSSH's largest, from a pty of that size) and
// then 4294967295x4294967295 (the protocol's largest, from a client of
// our own) opens the full help, which fills the screen: serve's memory
// stays bounded throughout, and each session is over on serve's side
// once its client has gone.
func TestHugeTerminalSizesKeepServeBounded(t *testing.T) {
	requireTools(t, "ssh", "ssh-keygen")
	dir := t.TempDir()
	db := dir + "/keydesk.db"
	mustSucceed(t, keydesk(t, "--db", db, "demo", "--keys", "60", "--employees", "40"))
	id := newSSHIdentity(t, dir, "wide")
	authorize(t, dir, id)
	srv := startServe(t, db, dir)
	mem := watchMemory(t, srv)
	t.Logf("serve's RSS at start: %s", mib(mem.current()))

	// OpenSSH, its terminal resized to 65535x65535 after login.
	c := sshClient{host: srv.host, port: srv.port, identity: id.path}
	cmd := exec.Command("ssh", append([]string{"-tt"}, c.args()...)...)
	cmd.Env = append(testEnv(), "TERM=xterm")
	terminal, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: screenHeight, Cols: screenWidth})
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	out := drain(terminal)
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait(); terminal.Close() })
	out.waitFor(t, "the TUI over OpenSSH", "Employees")
	if err := pty.Setsize(terminal, &pty.Winsize{Rows: 65535, Cols: 65535}); err != nil {
		t.Fatal(err)
	}
	terminal.Write([]byte("?"))
	out.waitFor(t, "the full help at 65535x65535", "Keys of the ")
	mem.settle(t)
	t.Logf("65535x65535: serve's peak RSS %s, %s drawn", mib(mem.peak()), mib(int64(out.total())))
	cmd.Process.Kill()
	cmd.Wait()
	waitForLog(t, srv, 1, "session ended")

	// A client of our own, whose window-change claims 4294967295 cells
	// each way, which no pty can.
	client := dialGo(t, srv, id)
	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	stdin, _ := sess.StdinPipe()
	stdout, _ := sess.StdoutPipe()
	if err := sess.RequestPty("xterm", screenHeight, screenWidth, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	goOut := drain(stdout)
	goOut.waitFor(t, "the TUI over a Go client", "Employees")
	if err := sess.WindowChange(4294967295, 4294967295); err != nil {
		t.Fatal(err)
	}
	stdin.Write([]byte("?"))
	goOut.waitFor(t, "the full help at 4294967295x4294967295", "Keys of the ")
	mem.settle(t)
	t.Logf("4294967295x4294967295: serve's peak RSS %s, %s drawn", mib(mem.peak()), mib(int64(goOut.total())))
	// Gone without a goodbye: the connection drops.
	client.Close()
	waitForLog(t, srv, 2, "session ended")
	mem.settle(t)

	peak := mem.peak()
	t.Logf("serve's peak RSS over the whole test: %s (ceiling %s)", mib(peak), mib(rssCeiling))
	if peak > rssCeiling {
		t.Errorf("serve's RSS peaked at %s with huge terminal sizes, want at most %s", mib(peak), mib(rssCeiling))
	}
	if r := c.run(t, "version"); r.code != 0 {
		t.Errorf("serve does not answer a command after the huge sessions: exit %d, %s", r.code, r.stderr)
	}
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// memoryWatch samples serve's resident memory until the test ends, and
// kills serve if it passes rssGuard.
type memoryWatch struct {
	pid  int
	mu   sync.Mutex
	high int64
	last int64
}

func watchMemory(t *testing.T, srv *server) *memoryWatch {
	m := &memoryWatch{pid: srv.cmd.Process.Pid}
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	go func() {
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-srv.done:
				return
			case <-tick.C:
			}
			rss, ok := residentBytes(m.pid)
			if !ok {
				return
			}
			m.mu.Lock()
			m.last, m.high = rss, max(m.high, rss)
			m.mu.Unlock()
			if rss > rssGuard {
				t.Errorf("serve's RSS reached %s: stopped it before it took the machine", mib(rss))
				srv.cmd.Process.Kill()
				return
			}
		}
	}()
	return m
}

// residentBytes reads VmRSS of a process.
func residentBytes(pid int) (int64, bool) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10, err == nil
		}
	}
	return 0, false
}

func (m *memoryWatch) peak() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.high
}

func (m *memoryWatch) current() int64 {
	for range 100 {
		m.mu.Lock()
		last := m.last
		m.mu.Unlock()
		if last > 0 {
			return last
		}
		time.Sleep(pollEvery)
	}
	return 0
}

// settle lets serve go on for a while, as long as an unbounded size
// needed to reach gigabytes, so that the peak measured is the peak.
func (m *memoryWatch) settle(t *testing.T) {
	t.Helper()
	time.Sleep(3 * time.Second)
}

// output counts what a client received and watches it for one string
// at a time, across the reads it comes in: a frame of a large screen is
// megabytes, far too much to keep.
type output struct {
	mu    sync.Mutex
	carry []byte // the end of what came, as long as the string watched for
	want  []byte
	found bool
	count int
}

func drain(r interface{ Read([]byte) (int, error) }) *output {
	o := &output{}
	go func() {
		buf := make([]byte, 64<<10)
		for {
			n, err := r.Read(buf)
			o.mu.Lock()
			o.count += n
			o.carry = append(o.carry, buf[:n]...)
			if len(o.want) > 0 && bytes.Contains(o.carry, o.want) {
				o.found = true
			}
			keep := len(o.want)
			if keep == 0 {
				keep = 1 << 20
			}
			if len(o.carry) > keep {
				o.carry = append([]byte(nil), o.carry[len(o.carry)-keep:]...)
			}
			o.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return o
}

func (o *output) total() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.count
}

// waitFor waits until s arrives, or has arrived since the last wait
// (up to a MiB is kept while nobody waits).
func (o *output) waitFor(t *testing.T, what, s string) {
	t.Helper()
	o.mu.Lock()
	o.want, o.found = []byte(s), bytes.Contains(o.carry, []byte(s))
	o.mu.Unlock()
	deadline := time.Now().Add(screenDeadline)
	for time.Now().Before(deadline) {
		o.mu.Lock()
		found := o.found
		o.mu.Unlock()
		if found {
			return
		}
		time.Sleep(pollEvery)
	}
	t.Fatalf("%s: %q did not arrive within %s", what, s, screenDeadline)
}

// waitForLog waits until serve's log holds n lines with s.
func waitForLog(t *testing.T, srv *server, n int, s string) {
	t.Helper()
	deadline := time.Now().Add(screenDeadline)
	for time.Now().Before(deadline) {
		data, _ := os.ReadFile(srv.logPath)
		if strings.Count(string(data), s) >= n {
			return
		}
		time.Sleep(pollEvery)
	}
	t.Fatalf("serve's log does not say %q %d times within %s: the session goes on after its client has gone", s, n, screenDeadline)
}

// dialGo logs in to serve with x/crypto/ssh's client and id's key.
func dialGo(t *testing.T, srv *server, id sshIdentity) *gossh.Client {
	t.Helper()
	pem, err := os.ReadFile(id.path)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := gossh.ParsePrivateKey(pem)
	if err != nil {
		t.Fatal(err)
	}
	client, err := gossh.Dial("tcp", srv.host+":"+srv.port, &gossh.ClientConfig{
		User:            id.name,
		Auth:            []gossh.AuthMethod{gossh.PublicKeys(signer)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(),
		Timeout:         5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	return client
}
