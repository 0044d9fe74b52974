package serve_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/crypto/ssh"

	"github.com/keydesk/keydesk/ui/serve"
)

// The figures of a million keys and a million employees (issue 18), each
// beside its anchor from the same run. They run only when
// KEYDESK_BENCH_1M is set (make bench sets it): the database is built
// once per run, by the two imports that are themselves measured, and
// every later figure reads it. Everything is measured from outside, on
// the keydesk binary, as an admin would see it: wall time, and the peak
// resident memory (getrusage) or the current one (/proc) of the process.

// rows1M is a million, or KEYDESK_BENCH_1M_ROWS to try the benchmarks
// out on less.
var rows1M = func() int {
	if n, err := strconv.Atoi(os.Getenv("KEYDESK_BENCH_1M_ROWS")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}()

const (
	sessions1M   = 20 // TUI sessions open for serve's memory
	writers1M    = 10 // sessions open while writes are timed
	writes1M     = 10
	frame        = time.Second / 60 // Bubble Tea v1 draws at most 60 frames a second
	searchTyped  = "vict g"         // typed one key at a time in the Employees list
	benchTimeout = 10 * time.Minute // a million rows on a machine shared with others
	// searchSettle is how long the local TUI is left after the whole
	// list shows before the search is typed: the search's index of a
	// million rows is made once the list is shown (a few seconds), and
	// the figure is a keystroke's once it is made.
	searchSettle = 20 * time.Second
)

type run1M struct {
	once sync.Once
	err  error
	dir  string
	bin  string // the keydesk binary
	db   string

	keysCSV, employeesCSV string
	importKeys            measured
	importEmployees       measured
	serveRuns             int           // BenchmarkServe1M's so far
	sqliteKeys            time.Duration // sqlite3 .import of the same files
	sqliteEmployees       time.Duration
}

// measured is one run of the binary: its wall time, its peak RSS, and
// the peak of the anonymous part of it (its heap and stacks, without the
// pages of the database file it maps, which the kernel may drop at will).
type measured struct {
	took     time.Duration
	peakRSS  int64 // bytes
	peakAnon int64
}

var bench1M run1M

// wholeList is the list's title once the whole index is in ("1,000,000
// of 1,000,000 · no filter · sorted by name"; the first page says "first
// 200").
var wholeList = regexp.MustCompile(`[0-9] of [0-9,]+ · no filter · sorted by`)

func need1M(b *testing.B) *run1M {
	b.Helper()
	if os.Getenv("KEYDESK_BENCH_1M") == "" {
		b.Skip("the million-row figures run in make bench (KEYDESK_BENCH_1M=1)")
	}
	r := &bench1M
	r.once.Do(func() { r.err = r.build() })
	if r.err != nil {
		b.Fatal(r.err)
	}
	return r
}

func (r *run1M) build() error {
	var err error
	if r.dir, err = os.MkdirTemp("", "keydesk-bench-1m-"); err != nil {
		return err
	}
	r.bin = filepath.Join(r.dir, "keydesk")
	if out, err := exec.Command("go", "build", "-o", r.bin, "github.com/keydesk/keydesk").CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v: %s", err, out)
	}
	r.db = filepath.Join(r.dir, "keydesk.db")
	r.keysCSV, r.employeesCSV = filepath.Join(r.dir, "keys.csv"), filepath.Join(r.dir, "employees.csv")
	if err := writeKeys1M(r.keysCSV); err != nil {
		return err
	}
	if err := writeEmployees1M(r.employeesCSV); err != nil {
		return err
	}
	if r.importKeys, err = r.keydesk(io.Discard, "import", "keys", r.keysCSV); err != nil {
		return err
	}
	if r.importEmployees, err = r.keydesk(io.Discard, "import", "employees", r.employeesCSV); err != nil {
		return err
	}
	anchor := filepath.Join(r.dir, "anchor.db")
	if r.sqliteKeys, err = sqlite(anchor, "CREATE TABLE keys(serial TEXT NOT NULL UNIQUE, mac TEXT UNIQUE, model TEXT, firmware TEXT, rfid TEXT UNIQUE);",
		".import --csv --skip 1 "+r.keysCSV+" keys"); err != nil {
		return err
	}
	r.sqliteEmployees, err = sqlite(anchor, "CREATE TABLE employees(first_name TEXT NOT NULL, last_name TEXT, email TEXT NOT NULL UNIQUE COLLATE NOCASE, "+
		"phone TEXT, department TEXT, position TEXT, UNIQUE(first_name COLLATE NOCASE, last_name COLLATE NOCASE));",
		".import --csv --skip 1 "+r.employeesCSV+" employees")
	return err
}

// keydesk runs the binary on the database and measures it.
func (r *run1M) keydesk(stdout io.Writer, args ...string) (measured, error) {
	cmd := exec.Command(r.bin, append([]string{"--db", r.db}, args...)...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = stdout, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return measured{}, err
	}
	anon := make(chan int64)
	stop := make(chan struct{})
	go func() { anon <- peakAnonOf(cmd.Process.Pid, stop) }()
	err := cmd.Wait()
	close(stop)
	m := measured{took: time.Since(start), peakAnon: <-anon}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.peakRSS = ru.Maxrss << 10 // KiB on Linux
	}
	if err != nil {
		return m, fmt.Errorf("keydesk %s: %v: %s", strings.Join(args, " "), err, stderr.String())
	}
	return m, nil
}

// peakAnonOf samples a process's RssAnon until stop.
func peakAnonOf(pid int, stop chan struct{}) int64 {
	var peak int64
	for {
		if status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid)); err == nil {
			for _, line := range strings.Split(string(status), "\n") {
				if f := strings.Fields(line); len(f) >= 2 && f[0] == "RssAnon:" {
					kb, _ := strconv.ParseInt(f[1], 10, 64)
					peak = max(peak, kb<<10)
				}
			}
		}
		select {
		case <-stop:
			return peak
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// sqlite times the last statement of sqlite3 on db, after the others.
func sqlite(db string, setup, timed string) (time.Duration, error) {
	bin, err := exec.LookPath("sqlite3")
	if err != nil {
		return 0, nil // no anchor: reported as 0
	}
	if out, err := exec.Command(bin, db, setup).CombinedOutput(); err != nil {
		return 0, fmt.Errorf("sqlite3: %v: %s", err, out)
	}
	start := time.Now()
	out, err := exec.Command(bin, db, timed).CombinedOutput()
	if err != nil || len(out) > 0 {
		return 0, fmt.Errorf("sqlite3 %s: %v: %s", timed, err, out)
	}
	return time.Since(start), nil
}

func writeKeys1M(path string) error {
	return writeCSV(path, "serial,mac,model,firmware,rfid", func(w *bufio.Writer, i int) {
		fmt.Fprintf(w, "ST1010%010d,D0:7E:%02X:%02X:%02X:%02X,IPI Key 4,4.1.7,%010X\n",
			i, byte(i>>24), byte(i>>16), byte(i>>8), byte(i), i*7919)
	})
}

var (
	firstNames = strings.Fields("Olivia Liam Emma Noah Ava Oliver Sophia Elijah Isabella Lucas Mia Mason Amelia Logan Harper Ethan " +
		"Evelyn James Abigail Victor Victoria Gonzalo Grace Henry Chloe Jack Zoe Leo Nora Samuel Aria Daniel Layla Mateo Riley Owen " +
		"Lily Wyatt Hannah Julian Ellie Gabriel Stella Isaac Maya Anthony Ruby Dylan Alice Carter Lucy Aaron Ivy Thomas Sara Adrian")
	lastNames = strings.Fields("Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez " +
		"Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson " +
		"Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter")
	departments = strings.Fields("Engineering Sales Finance Support Research Legal Operations Marketing")
)

func writeEmployees1M(path string) error {
	pairs := len(firstNames) * len(lastNames)
	return writeCSV(path, "first_name,last_name,email,phone,department,position", func(w *bufio.Writer, i int) {
		first, last := firstNames[i%len(firstNames)], lastNames[(i/len(firstNames))%len(lastNames)]
		if n := i / pairs; n > 0 {
			last += "-" + strconv.Itoa(n) // the pair first + last is unique
		}
		fmt.Fprintf(w, "%s,%s,%s.%s.%d@example.com,+1 555 %07d,%s,Staff\n",
			first, last, strings.ToLower(first), strings.ToLower(lastNames[(i/len(firstNames))%len(lastNames)]), i, i, departments[i%len(departments)])
	})
}

func writeCSV(path, header string, row func(w *bufio.Writer, i int)) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString(header + "\n")
	for i := range rows1M {
		row(w, i)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func BenchmarkImport1MEmployees(b *testing.B) {
	r := need1M(b)
	b.ReportMetric(r.importEmployees.took.Seconds(), "s")
	b.ReportMetric(r.sqliteEmployees.Seconds(), "sqlite-s")
	b.ReportMetric(ratio(r.importEmployees.took, r.sqliteEmployees), "x-sqlite")
	b.ReportMetric(mb(r.importEmployees.peakRSS), "peak-MB")
	b.ReportMetric(mb(r.importEmployees.peakAnon), "peak-anon-MB")
}

func BenchmarkImport1MKeys(b *testing.B) {
	r := need1M(b)
	b.ReportMetric(r.importKeys.took.Seconds(), "s")
	b.ReportMetric(r.sqliteKeys.Seconds(), "sqlite-s")
	b.ReportMetric(ratio(r.importKeys.took, r.sqliteKeys), "x-sqlite")
	b.ReportMetric(mb(r.importKeys.peakRSS), "peak-MB")
	b.ReportMetric(mb(r.importKeys.peakAnon), "peak-anon-MB")
}

func BenchmarkExport1MKeys(b *testing.B) {
	r := need1M(b)
	m, err := r.keydesk(io.Discard, "export", "keys", "--format", "csv")
	if err != nil {
		b.Fatal(err)
	}
	var anchor time.Duration
	if bin, err := exec.LookPath("sqlite3"); err == nil {
		cmd := exec.Command(bin, "-csv", "-header", filepath.Join(r.dir, "anchor.db"), "SELECT * FROM keys")
		cmd.Stdout = io.Discard
		start := time.Now()
		if err := cmd.Run(); err != nil {
			b.Fatal(err)
		}
		anchor = time.Since(start)
	}
	b.ReportMetric(m.took.Seconds(), "s")
	b.ReportMetric(anchor.Seconds(), "sqlite-s")
	b.ReportMetric(ratio(m.took, anchor), "x-sqlite")
	b.ReportMetric(mb(m.peakRSS), "peak-MB")
	b.ReportMetric(mb(m.peakAnon), "peak-anon-MB")
}

func BenchmarkAuditVerify2M(b *testing.B) {
	r := need1M(b)
	m, err := r.keydesk(io.Discard, "audit", "verify")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(m.took.Seconds(), "s")
	b.ReportMetric(mb(m.peakRSS), "peak-MB")
	b.ReportMetric(mb(m.peakAnon), "peak-anon-MB")
}

// BenchmarkServe1M is keydesk serve on the million rows with TUI sessions
// over SSH: how long a new session waits for the whole list, serve's
// memory with 20 sessions open, and, with 10 open, how long a write takes
// to show on every screen and the CPU serve spends on it.
func BenchmarkServe1M(b *testing.B) {
	r := need1M(b)
	alice := newAdmin(b, "alice")
	keys := filepath.Join(r.dir, "authorized_keys")
	if err := os.WriteFile(keys, []byte(alice.line()), 0o600); err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(r.bin, "--db", r.db, "serve", "--listen", "127.0.0.1:0", "--authorized-keys", keys,
		"--host-key", filepath.Join(r.dir, "host_key"))
	// KEYDESK_BENCH_CPUPROFILE=file profiles serve during the writes.
	profile := os.Getenv("KEYDESK_BENCH_CPUPROFILE")
	if profile != "" {
		if profile, err := filepath.Abs(profile); err == nil {
			cmd.Env = append(os.Environ(), "KEYDESK_SERVE_CPUPROFILE="+profile)
		}
	}
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	}()
	var addr string
	for deadline := time.Now().Add(benchTimeout); addr == ""; {
		if info, ok := serve.ReadAddressFile(serve.AddressFile(r.db)); ok && info.PID == cmd.Process.Pid {
			addr = info.Addr
		} else if time.Now().After(deadline) {
			b.Fatalf("serve did not start: %s", log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	client, err := ssh.Dial("tcp", addr, &ssh.ClientConfig{User: "alice", Auth: []ssh.AuthMethod{ssh.PublicKeys(alice.signer)},
		HostKeyCallback: ssh.InsecureIgnoreHostKey()})
	if err != nil {
		b.Fatal(err)
	}
	defer client.Close()
	idle := rssOf(b, cmd.Process.Pid)

	var sessions []*screen1M
	var firsts []time.Duration
	for i := range sessions1M {
		start := time.Now()
		s := openScreen1M(b, client)
		s.waitForMatch(b, wholeList)
		firsts = append(firsts, time.Since(start))
		sessions = append(sessions, s)
		if i == 0 {
			b.ReportMetric(ms(firsts[0]), "first-session-ms") // builds the shared view
		}
	}
	b.ReportMetric(p50(firsts[1:]), "new-session-p50-ms")
	time.Sleep(time.Second) // let the sessions settle
	b.ReportMetric(mb(rssOf(b, cmd.Process.Pid)), "rss-20-MB")
	b.ReportMetric(mb(idle), "rss-idle-MB")

	for _, s := range sessions[writers1M:] {
		s.sess.Close()
	}
	sessions = sessions[:writers1M]
	time.Sleep(time.Second)
	// The search's gram indexes are made once, in the background, after
	// the first list shows (seconds at a million rows): the writes are
	// measured once serve is idle, so that their CPU is theirs alone.
	b.ReportMetric(ms(waitIdle(b, cmd.Process.Pid)), "settle-ms")
	cpu := cpuOf(b, cmd.Process.Pid)
	if profile != "" {
		cmd.Process.Signal(syscall.SIGUSR1)
	}
	var shows []time.Duration
	// Each run of the benchmark (-count) writes new employees in the
	// same database.
	r.serveRuns++
	for i := (r.serveRuns - 1) * writes1M; i < r.serveRuns*writes1M; i++ {
		// "Aaaaa" sorts before every generated name: the new employee
		// comes first in every session's list (the later, the earlier:
		// the writes of a run before sort after it).
		last := fmt.Sprintf("Write%04d", 9999-i)
		name := "Aaaaa " + last
		for _, s := range sessions {
			s.drop()
		}
		start := time.Now()
		if out, err := runSSH(client, fmt.Sprintf("employee add --first Aaaaa --last %s --email write%d@example.com", last, i)); err != nil {
			b.Fatalf("employee add: %v: %s", err, out)
		}
		for _, s := range sessions {
			s.waitFor(b, name)
		}
		shows = append(shows, time.Since(start))
	}
	spent := cpuOf(b, cmd.Process.Pid) - cpu
	if profile != "" {
		cmd.Process.Signal(syscall.SIGUSR2)
	}
	b.ReportMetric(p50(shows), "write-shown-p50-ms")
	b.ReportMetric(float64(spent)/float64(writes1M)/float64(time.Millisecond), "cpu-ms/write")
	b.ReportMetric(ms(frame), "frame-ms")
}

// BenchmarkSearch1MPty is the local TUI in a pseudo-terminal on the
// million rows: the time from a key typed in the Employees list's search
// to the first bytes of the redrawn screen, against a frame.
func BenchmarkSearch1MPty(b *testing.B) {
	r := need1M(b)
	cmd := exec.Command(r.bin, "--db", r.db)
	cmd.Env = append(os.Environ(), "TERM=xterm-256color")
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 80})
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		tty.Write([]byte("\x1bq"))
		cmd.Process.Kill()
		cmd.Wait()
		tty.Close()
	}()
	s := &screen1M{chunks: make(chan []byte, 1024)}
	go s.read(tty)
	tty.Write([]byte("\x1b[?62c"))
	s.waitForMatch(b, wholeList)
	time.Sleep(searchSettle)
	s.quiet()
	tty.Write([]byte("/"))
	s.quiet()
	var lat []time.Duration
	for _, c := range searchTyped {
		start := time.Now()
		tty.Write([]byte(string(c)))
		select {
		case <-s.chunks:
		case <-time.After(benchTimeout):
			b.Fatal("no redraw after a key")
		}
		lat = append(lat, time.Since(start))
		s.quiet()
	}
	b.ReportMetric(p50(lat), "keystroke-p50-ms")
	b.ReportMetric(ms(slices.Max(lat)), "keystroke-max-ms")
	b.ReportMetric(ms(frame), "frame-ms")
}

// screen1M is a terminal's output as it comes.
type screen1M struct {
	sess   *ssh.Session
	in     io.Writer
	chunks chan []byte
	seen   bytes.Buffer
}

func openScreen1M(b *testing.B, c *ssh.Client) *screen1M {
	b.Helper()
	sess, err := c.NewSession()
	if err != nil {
		b.Fatal(err)
	}
	if err := sess.RequestPty("xterm-256color", 24, 80, ssh.TerminalModes{}); err != nil {
		b.Fatal(err)
	}
	s := &screen1M{sess: sess, chunks: make(chan []byte, 1024)}
	in, _ := sess.StdinPipe()
	out, _ := sess.StdoutPipe()
	s.in = in
	if err := sess.Shell(); err != nil {
		b.Fatal(err)
	}
	go s.read(out)
	in.Write([]byte("\x1b[?62c")) // answer the terminal query at once
	return s
}

func (s *screen1M) read(r io.Reader) {
	for {
		buf := make([]byte, 64<<10)
		n, err := r.Read(buf)
		if n > 0 {
			s.chunks <- buf[:n]
		}
		if err != nil {
			close(s.chunks)
			return
		}
	}
}

// waitFor reads until text has come (since the last drop).
func (s *screen1M) waitFor(b *testing.B, text string) {
	b.Helper()
	deadline := time.After(benchTimeout)
	for !bytes.Contains(s.seen.Bytes(), []byte(text)) {
		select {
		case chunk, ok := <-s.chunks:
			if !ok {
				b.Fatalf("the screen closed before showing %q", text)
			}
			s.seen.Write(chunk)
		case <-deadline:
			b.Fatalf("the screen never showed %q", text)
		}
	}
}

// waitForMatch reads until something matching re has come.
func (s *screen1M) waitForMatch(b *testing.B, re *regexp.Regexp) {
	b.Helper()
	deadline := time.After(benchTimeout)
	for !re.Match(s.seen.Bytes()) {
		select {
		case chunk, ok := <-s.chunks:
			if !ok {
				b.Fatalf("the screen closed before showing %s", re)
			}
			s.seen.Write(chunk)
		case <-deadline:
			b.Fatalf("the screen never showed %s", re)
		}
	}
}

// drop forgets what came so far.
func (s *screen1M) drop() {
	for {
		select {
		case <-s.chunks:
		default:
			s.seen.Reset()
			return
		}
	}
}

// quiet lets the screen settle, then drops what came.
func (s *screen1M) quiet() {
	for {
		select {
		case <-s.chunks:
		case <-time.After(100 * time.Millisecond):
			s.seen.Reset()
			return
		}
	}
}

func runSSH(c *ssh.Client, cmd string) ([]byte, error) {
	sess, err := c.NewSession()
	if err != nil {
		return nil, err
	}
	defer sess.Close()
	return sess.CombinedOutput(cmd)
}

// rssOf is a process's resident memory now.
func rssOf(b *testing.B, pid int) int64 {
	b.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Skip("no /proc here: ", err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	b.Fatal("no VmRSS in /proc status")
	return 0
}

// cpuOf is the CPU time a process has used (user and system).
// waitIdle waits until the process spends less than a tenth of a core
// over half a second, and says how long that took.
func waitIdle(b *testing.B, pid int) time.Duration {
	b.Helper()
	const window = 500 * time.Millisecond
	start := time.Now()
	for deadline := start.Add(benchTimeout); time.Now().Before(deadline); {
		before := cpuOf(b, pid)
		time.Sleep(window)
		if cpuOf(b, pid)-before < window/10 {
			break
		}
	}
	return time.Since(start)
}

func cpuOf(b *testing.B, pid int) time.Duration {
	b.Helper()
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Skip("no /proc here: ", err)
	}
	// The fields after the command name, which is in parentheses.
	f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	if len(f) < 13 {
		b.Fatal(errors.New("short /proc stat"))
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / 100 // USER_HZ
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func mb(bytes int64) float64 { return float64(bytes) / (1 << 20) }

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func p50(ds []time.Duration) float64 {
	s := slices.Clone(ds)
	slices.Sort(s)
	return ms(s[len(s)/2])
}
