package serve_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"golang.org/x/crypto/ssh"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/cli"
	"github.com/keydesk/keydesk/ui/serve"
)

const (
	benchSessions       = 50
	benchOpsPerSession  = 20
	benchKeysPerSession = benchOpsPerSession / 4 // assign, code, activate, suspend
)

// benchDB is one demo database for the whole test process: 100 000 keys
// and 100 000 employees take a while to make, with real fsync.
var benchDB struct {
	once sync.Once
	dir  string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDB.dir != "" {
		os.RemoveAll(benchDB.dir)
	}
	if bench1M.dir != "" {
		os.RemoveAll(bench1M.dir)
	}
	os.Exit(code)
}

func demoDatabase(b *testing.B) string {
	b.Helper()
	benchDB.once.Do(func() {
		benchDB.dir, benchDB.err = os.MkdirTemp("", "keydesk-bench-")
		if benchDB.err != nil {
			return
		}
		st, err := store.Open(filepath.Join(benchDB.dir, "keydesk.db"), store.Options{})
		if err != nil {
			benchDB.err = err
			return
		}
		defer st.Close()
		benchDB.err = st.FillDemo(model.LocalAdmin("bench"), 100_000, 100_000)
	})
	if benchDB.err != nil {
		b.Fatal(benchDB.err)
	}
	return filepath.Join(benchDB.dir, "keydesk.db")
}

// assignment is one Ready key and one employee without a key, for one
// session to take through assign, code, activate and suspend.
type assignment struct{ serial, email string }

// freeAssignments pairs the Ready keys with the employees who hold none;
// the pairs of earlier runs are used up, so each run asks again.
func freeAssignments(b *testing.B, st *store.Store) []assignment {
	b.Helper()
	snap, err := st.Snapshot()
	if err != nil {
		b.Fatal(err)
	}
	var serials, emails []string
	for _, k := range snap.Keys {
		if k.Status == model.Ready {
			serials = append(serials, k.Serial)
		}
	}
	for _, e := range snap.Employees {
		if e.KeyID == 0 && plainWord(e.Email) {
			emails = append(emails, e.Email)
		}
	}
	pairs := make([]assignment, min(len(serials), len(emails)))
	for i := range pairs {
		pairs[i] = assignment{serial: serials[i], email: emails[i]}
	}
	return pairs
}

// plainWord is text that needs no quoting on a command line.
func plainWord(s string) bool {
	return s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune(".@-_+", r))
	}) < 0
}

// latencies collects how long each kind of operation took.
type latencies struct {
	mu sync.Mutex
	by map[string][]time.Duration
}

func (l *latencies) add(op string, d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.by[op] = append(l.by[op], d)
}

func (l *latencies) report(b *testing.B) {
	var all []time.Duration
	for op, ds := range l.by {
		all = append(all, ds...)
		reportQuantiles(b, op+"-", ds)
	}
	reportQuantiles(b, "", all)
}

func reportQuantiles(b *testing.B, prefix string, ds []time.Duration) {
	slices.Sort(ds)
	ms := func(q int) float64 {
		return float64(ds[min(len(ds)-1, len(ds)*q/100)]) / float64(time.Millisecond)
	}
	b.ReportMetric(ms(50), prefix+"p50-ms")
	b.ReportMetric(ms(99), prefix+"p99-ms")
}

// fsyncMedian is the disk's own flush, the anchor of the figures: the
// median of n writes of a 4 KiB page in place, each flushed (fdatasync, as
// bbolt does), in dir.
func fsyncMedian(b *testing.B, dir string, n int) time.Duration {
	b.Helper()
	f, err := os.CreateTemp(dir, "fsync-")
	if err != nil {
		b.Fatal(err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	page := make([]byte, 4096)
	took := make([]time.Duration, n)
	for i := range took {
		start := time.Now()
		page[0] = byte(i)
		if _, err := f.WriteAt(page, 0); err != nil {
			b.Fatal(err)
		}
		if err := datasync(f); err != nil {
			b.Fatal(err)
		}
		took[i] = time.Since(start)
	}
	slices.Sort(took)
	return took[n/2]
}

// BenchmarkConcurrentSessions has 50 admins at once over SSH, each running
// 20 operations through the real command line (assign, show the code,
// the device activating it, suspend) on keys of its own, against a demo
// database of 100 000 keys and 100 000 employees written with fsync. It
// reports the rate, the latency of all operations and of each kind, and
// the disk's flush measured in the same run (the SSH clients run in the
// same process, on the same cores, as the server).
func BenchmarkConcurrentSessions(b *testing.B) {
	path := demoDatabase(b)
	st, err := store.Open(path, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()

	admins := make([]admin, benchSessions)
	var lines strings.Builder
	for i := range admins {
		admins[i] = newAdmin(b, fmt.Sprintf("admin-%02d", i))
		lines.WriteString(admins[i].line())
	}
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "authorized_keys"), []byte(lines.String()), 0o600); err != nil {
		b.Fatal(err)
	}

	ready := make(chan string, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- serve.Run(ctx, serve.Config{
			Store:              st,
			DBPath:             filepath.Join(dir, "keydesk.db"), // host key and address file beside it, not beside the shared demo
			Listen:             "127.0.0.1:0",
			AuthorizedKeysPath: filepath.Join(dir, "authorized_keys"),
			NewTUI: func(context.Context, *store.Store, model.Actor, *lipgloss.Renderer) tea.Model {
				b.Error("a benchmark session asked for the TUI")
				return nil
			},
			RunCommand: func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, actor model.Actor) int {
				return cli.Run(ctx, args, cli.Env{Stdin: stdin, Stdout: stdout, Stderr: stderr, Actor: actor, Store: st, Getenv: os.Getenv})
			},
			Ready: func(addr string) { ready <- addr },
		})
	}()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		b.Fatalf("serve did not start: %v", err)
	}
	defer func() {
		cancel()
		if err := <-done; err != nil {
			b.Error(err)
		}
	}()

	clients := make([]*ssh.Client, benchSessions)
	for i, a := range admins {
		c, err := ssh.Dial("tcp", addr, &ssh.ClientConfig{
			User: "admin", Auth: []ssh.AuthMethod{ssh.PublicKeys(a.signer)},
			HostKeyCallback: ssh.InsecureIgnoreHostKey(),
		})
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		clients[i] = c
	}

	pairs := freeAssignments(b, st)
	perRun := benchSessions * benchKeysPerSession
	if len(pairs) < b.N*perRun {
		b.Fatalf("the demo database has %d free key/employee pairs left, %d needed: run with a smaller -benchtime", len(pairs), b.N*perRun)
	}
	lat := &latencies{by: map[string][]time.Duration{}}
	fsyncBefore := fsyncMedian(b, filepath.Dir(path), 200)
	var mem runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&mem)
	liveBefore := mem.HeapAlloc

	b.ResetTimer()
	for n := range b.N {
		var wg sync.WaitGroup
		for i, c := range clients {
			mine := pairs[n*perRun+i*benchKeysPerSession:][:benchKeysPerSession]
			wg.Add(1)
			go func() {
				defer wg.Done()
				for _, p := range mine {
					if !adminWork(b, c, p, lat) {
						return
					}
				}
			}()
		}
		wg.Wait()
	}
	b.StopTimer()

	lat.report(b)
	b.ReportMetric(float64(fsyncBefore+fsyncMedian(b, filepath.Dir(path), 200))/2/float64(time.Millisecond), "fsync-p50-ms")
	b.ReportMetric(float64(liveBefore)/(1<<20), "heap-live-before-MB")
	b.ReportMetric(float64(b.N*benchSessions*benchOpsPerSession)/b.Elapsed().Seconds(), "ops/s")
	runtime.ReadMemStats(&mem)
	b.ReportMetric(float64(mem.HeapInuse)/(1<<20), "heap-inuse-MB")
	runtime.GC()
	runtime.ReadMemStats(&mem)
	b.ReportMetric(float64(mem.HeapAlloc)/(1<<20), "heap-live-MB")
}

// adminWork takes one key from Ready to Suspended, as an admin and the
// key's client software would, timing each command.
func adminWork(b *testing.B, c *ssh.Client, p assignment, lat *latencies) bool {
	code, ok := timedCommand(b, c, lat, "assign", "key assign "+p.serial+" "+p.email)
	if !ok {
		return false
	}
	if again, ok := timedCommand(b, c, lat, "code", "key code "+p.serial); !ok || again != code {
		b.Errorf("key code %s printed %q, assign printed %q", p.serial, again, code)
		return false
	}
	if _, ok := timedCommand(b, c, lat, "activate", "device activate "+p.serial+" "+code); !ok {
		return false
	}
	_, ok = timedCommand(b, c, lat, "suspend", "key suspend "+p.serial)
	return ok
}

// timedCommand runs one command in a new session and returns the first
// line of its output.
func timedCommand(b *testing.B, c *ssh.Client, lat *latencies, op, cmd string) (string, bool) {
	start := time.Now()
	sess, err := c.NewSession()
	if err != nil {
		b.Error(err)
		return "", false
	}
	defer sess.Close()
	var stdout, stderr bytes.Buffer
	sess.Stdout, sess.Stderr = &stdout, &stderr
	if err := sess.Run(cmd); err != nil {
		b.Errorf("%s: %v: %s", cmd, err, stderr.String())
		return "", false
	}
	lat.add(op, time.Since(start))
	first, _, _ := strings.Cut(stdout.String(), "\n")
	return first, true
}
