package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/cli"
)

// run runs one command line against db and returns the exit status,
// stdout and stderr.
func run(t *testing.T, env cli.Env, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	env.Stdout, env.Stderr = &stdout, &stderr
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	status := cli.Run(context.Background(), args, env)
	return status, stdout.String(), stderr.String()
}

// runWithin is run, failing the test if the command hangs: a locked
// database must be reported, not waited for.
func runWithin(t *testing.T, limit time.Duration, env cli.Env, args ...string) (int, string, string) {
	t.Helper()
	type result struct {
		status         int
		stdout, stderr string
	}
	done := make(chan result, 1)
	go func() {
		var stdout, stderr bytes.Buffer
		env.Stdout, env.Stderr = &stdout, &stderr
		env.Getenv = func(string) string { return "" }
		status := cli.Run(context.Background(), args, env)
		done <- result{status, stdout.String(), stderr.String()}
	}()
	select {
	case r := <-done:
		return r.status, r.stdout, r.stderr
	case <-time.After(limit):
		t.Fatalf("keydesk %s still waiting after %s on a database in use", strings.Join(args, " "), limit)
		return 0, "", ""
	}
}

func openStore(t *testing.T, path string) *store.Store {
	t.Helper()
	st, err := store.Open(path, store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestDatabaseInUseByAnotherProgram(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "k.db")
	openStore(t, db) // held open, as a running keydesk would

	status, stdout, stderr := runWithin(t, 3*time.Second, cli.Env{}, "--db", db, "export", "keys")
	want := "keydesk: the database " + db + " is in use by another keydesk program: close it, or run `keydesk serve` and connect over SSH\n"
	if status != 1 || stdout != "" || stderr != want {
		t.Errorf("got status %d, stdout %q, stderr %q; want 1, nothing, %q", status, stdout, stderr, want)
	}
}

func TestDatabaseInUseByServe(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "k.db")
	openStore(t, db)
	if err := os.WriteFile(db+".serve", []byte("127.0.0.1:2323\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	status, _, stderr := runWithin(t, 3*time.Second, cli.Env{}, "--db", db, "key", "code", "ST1")
	want := "keydesk: keydesk serve is running on this database: connect with ssh -p 2323 127.0.0.1 (e.g. ssh -p 2323 127.0.0.1 key code SERIAL)\n"
	if status != 1 || stderr != want {
		t.Errorf("got status %d, stderr %q; want 1, %q", status, stderr, want)
	}

	// Listening on every address: localhost is one of them.
	if err := os.WriteFile(db+".serve", []byte("0.0.0.0:2424\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, stderr = runWithin(t, 3*time.Second, cli.Env{}, "--db", db, "audit", "verify")
	if !strings.Contains(stderr, "connect with ssh -p 2424 localhost (e.g. ssh -p 2424 localhost key code SERIAL)") {
		t.Errorf("stderr %q does not name localhost:2424", stderr)
	}
}

func TestServeGetsItsOptions(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "k.db")
	var got cli.ServeOptions
	var gotStore *store.Store
	env := cli.Env{Serve: func(ctx context.Context, st *store.Store, opts cli.ServeOptions) error {
		got, gotStore = opts, st
		_, err := st.Snapshot() // open while serving
		return err
	}}

	status, _, stderr := run(t, env, "--db", db, "serve")
	if status != 0 {
		t.Fatalf("serve: status %d, %s", status, stderr)
	}
	want := cli.ServeOptions{
		Listen:             "127.0.0.1:2323",
		HostKeyPath:        filepath.Join(dir, "keydesk_host_ed25519"),
		AuthorizedKeysPath: filepath.Join(dir, "authorized_keys"),
		IdleTimeout:        15 * time.Minute,
		DBPath:             db,
	}
	if got != want || gotStore == nil || gotStore.Path() != db {
		t.Errorf("serve got %+v, want %+v", got, want)
	}

	status, _, stderr = run(t, env, "--db", db, "serve", "--listen", ":2222", "--host-key", "/etc/hk",
		"--authorized-keys", "/etc/ak", "--idle-timeout", "1h", "--anchor", "/mnt/other/anchors")
	want = cli.ServeOptions{Listen: ":2222", HostKeyPath: "/etc/hk", AuthorizedKeysPath: "/etc/ak", IdleTimeout: time.Hour, DBPath: db,
		AnchorPath: "/mnt/other/anchors"}
	if status != 0 || got != want {
		t.Errorf("serve with flags: status %d (%s), got %+v, want %+v", status, stderr, got, want)
	}
}

func TestBareCommandOpensTheTUI(t *testing.T) {
	db := filepath.Join(t.TempDir(), "k.db")
	var actor model.Actor
	ann := model.Actor{Name: "ann", Fingerprint: "SHA256:abc", Bootstrap: true}
	env := cli.Env{Actor: ann, OpenTUI: func(ctx context.Context, st *store.Store, who model.Actor) error {
		actor = who
		return nil
	}}
	if status, _, stderr := run(t, env, "--db", db); status != 0 {
		t.Fatalf("status %d: %s", status, stderr)
	}
	if actor != ann {
		t.Errorf("the TUI got actor %+v", actor)
	}

	// Without an actor, the local OS user acts.
	env.Actor = model.Actor{}
	if status, _, stderr := run(t, env, "--db", db); status != 0 {
		t.Fatalf("status %d: %s", status, stderr)
	}
	if !actor.Local() || actor.Role != model.RoleAdmin {
		t.Errorf("the TUI got actor %+v, want the local user as an admin", actor)
	}
}

// Inside keydesk serve, commands work on the served store, as the SSH
// user, and only through stdin and stdout.
func TestCommandsOnASharedStore(t *testing.T) {
	dir := t.TempDir()
	st := openStore(t, filepath.Join(dir, "k.db"))
	env := cli.Env{Store: st, Actor: tAnn, OpenTUI: func(context.Context, *store.Store, model.Actor) error {
		t.Error("the TUI was opened inside serve")
		return nil
	}, Serve: func(context.Context, *store.Store, cli.ServeOptions) error {
		t.Error("serve was started inside serve")
		return nil
	}}

	env.Stdin = strings.NewReader("serial\nST1\n")
	if status, stdout, stderr := run(t, env, "import", "keys", "-"); status != 0 || stdout != "" || stderr != "imported 1 key\n" {
		t.Fatalf("import from stdin: status %d, stdout %q, stderr %q", status, stdout, stderr)
	}
	env.Stdin = nil
	if status, _, stderr := run(t, env, "employee", "add", "--first", "Bob", "--email", "bob@example.com", "--key", "ST1"); status != 0 {
		t.Fatalf("employee add: status %d, %s", status, stderr)
	}
	var actors []string
	st.AuditOldestFirst(tAnn, func(e model.AuditEntry) error {
		actors = append(actors, e.Actor)
		return nil
	})
	for _, a := range actors {
		if a != "ann (admin, SHA256:abc)" {
			t.Errorf("audit actor %q, want the SSH user", a)
		}
	}

	csv := filepath.Join(dir, "keys.csv")
	os.WriteFile(csv, []byte("serial\nST2\n"), 0o600)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"import", "keys", csv}, "keydesk: here the file must come on stdin: give - as FILE and send the file as input\n"},
		{[]string{"backup", filepath.Join(dir, "copy.db")}, "keydesk: here the backup can only go to stdout: use \"backup -\" and redirect it\n"},
		{[]string{"--db", filepath.Join(dir, "other.db"), "export", "keys"}, "keydesk: --db cannot be used here: commands work on the database keydesk serve has open\n"},
		{[]string{"serve"}, "keydesk: keydesk serve is already running here\n"},
		{[]string{}, "keydesk: the terminal UI is not available here\n"},
	} {
		status, stdout, stderr := run(t, env, c.args...)
		if status != 1 || stdout != "" || stderr != c.want {
			t.Errorf("keydesk %v: status %d, stdout %q, stderr %q; want 1, nothing, %q", c.args, status, stdout, stderr, c.want)
		}
	}
	for _, name := range []string{"copy.db", "other.db"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s was created", name)
		}
	}

	status, stdout, _ := run(t, env, "backup", "-")
	if status != 0 || len(stdout) < 4096 {
		t.Errorf("backup -: status %d, %d bytes", status, len(stdout))
	}
	if status, stdout, _ := run(t, env, "key", "code", "ST1"); status != 0 || len(strings.SplitN(stdout, "\n", 2)[0]) != 6 {
		t.Errorf("key code: status %d, stdout %q", status, stdout)
	}
}

// terminalBuffer is stdout as keydesk serve hands it over for ssh -t.
type terminalBuffer struct{ bytes.Buffer }

func (*terminalBuffer) IsTerminal() bool { return true }

func TestBackupRefusesATerminal(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "k.db"))
	var stdout terminalBuffer
	var stderr bytes.Buffer
	env := cli.Env{Store: st, Actor: tAnn, Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }}
	if status := cli.Run(context.Background(), []string{"backup", "-"}, env); status != 1 {
		t.Fatalf("backup - to a terminal: status %d", status)
	}
	if stdout.Len() != 0 || !strings.Contains(stderr.String(), "the backup is binary") {
		t.Errorf("stdout %d bytes, stderr %q", stdout.Len(), stderr.String())
	}
}

// terminalInput is stdin as keydesk serve hands it over for ssh -t.
type terminalInput struct{ *strings.Reader }

func (terminalInput) IsTerminal() bool { return true }

func TestPasswordIsNotReadFromAnSSHTerminal(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "k.db"))
	env := cli.Env{Store: st, Actor: tAnn, Stdin: terminalInput{strings.NewReader("hunter2\r")}}
	status, _, stderr := run(t, env, "settings", "smtp", "--host", "smtp.example.com", "--from", "it@example.com", "--user", "u", "--password-stdin")
	if status != 1 || !strings.Contains(stderr, "would show as you type it") {
		t.Fatalf("status %d, stderr %q", status, stderr)
	}
	if s, _, _ := st.SMTPSettings(); s.Configured() {
		t.Error("settings were saved although the password was refused")
	}
}

// An endless input over SSH must not take the server's memory: here
// lines of blanks, each within the limit of a line.
func TestImportReadsAtMost256MiB(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "k.db"))
	endless := io.MultiReader(strings.NewReader("serial\n"), &endless{pattern: strings.Repeat(" ", 60000) + "\n"})
	env := cli.Env{Store: st, Actor: tAnn, Stdin: endless}
	status, _, stderr := run(t, env, "import", "keys", "-")
	if status != 1 || !strings.Contains(stderr, "larger than 256 MiB") {
		t.Fatalf("status %d, stderr %q", status, stderr)
	}
}

// endless repeats a pattern for ever.
type endless struct {
	pattern string
	at      int
}

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = e.pattern[e.at]
		e.at = (e.at + 1) % len(e.pattern)
	}
	return len(p), nil
}

// tAnn is an admin over SSH, let in by the authorized_keys file.
var tAnn = model.Actor{Name: "ann", Fingerprint: "SHA256:abc", Bootstrap: true}

// countingReader counts what was read through it, and ends a context
// once stop bytes are read, as an SSH session ends when its admin goes.
type countingReader struct {
	r      io.Reader
	stop   int64
	cancel context.CancelFunc
	read   atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if c.read.Add(int64(n)) >= c.stop {
		c.cancel()
	}
	return n, err
}

// When the session ends, the import stops reading and stores nothing.
func TestImportStopsWhenTheSessionEnds(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "k.db"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	in := &countingReader{r: io.MultiReader(strings.NewReader("serial\n"), &endless{pattern: "ST1\n"}), stop: 256 << 10, cancel: cancel}
	var stdout, stderr bytes.Buffer
	env := cli.Env{Store: st, Actor: tAnn, Stdin: in, Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }}
	status := cli.Run(ctx, []string{"import", "keys", "-"}, env)
	if status != 1 || stderr.String() != "keydesk: the import stopped before the end of the file: nothing imported\n" {
		t.Errorf("status %d, stderr %q", status, stderr.String())
	}
	if read := in.read.Load(); read > 1<<20 {
		t.Errorf("read %d KiB; the session ended at 256 KiB", read>>10)
	}
	if snap, _ := st.Snapshot(); len(snap.Keys) != 0 {
		t.Errorf("%d keys imported", len(snap.Keys))
	}
}

// Over SSH one import at a time runs on the database: a second one is
// told at once whose is running, instead of waiting with its file in
// memory.
func TestOneImportAtATimeOnASharedStore(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "k.db"))
	input, feed := io.Pipe()
	first := make(chan string, 1)
	go func() {
		var stdout, stderr bytes.Buffer
		env := cli.Env{Store: st, Actor: tAnn, Stdin: input, Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }}
		status := cli.Run(context.Background(), []string{"import", "keys", "-"}, env)
		first <- fmt.Sprintf("%d %s%s", status, stdout.String(), stderr.String())
	}()
	// Once the first import reads, it holds the database's import.
	if _, err := io.WriteString(feed, "serial\nST1\n"); err != nil {
		t.Fatal(err)
	}

	env := cli.Env{Store: st, Actor: model.Actor{Name: "bob", Fingerprint: "SHA256:def", Bootstrap: true}, Stdin: strings.NewReader("serial\nST2\n")}
	status, _, stderr := runWithin(t, 5*time.Second, env, "import", "keys", "-")
	if status != 1 || !regexp.MustCompile(`^keydesk: an import by ann \(admin, SHA256:abc\) is running on this database since \d\d:\d\d:\d\d UTC: try again when it is done\n$`).MatchString(stderr) {
		t.Errorf("second import: status %d, stderr %q", status, stderr)
	}
	env.Stdin = strings.NewReader("first_name,email\nCy,cy@example.com\n")
	if status, _, stderr := runWithin(t, 5*time.Second, env, "import", "employees", "-"); status != 1 || !strings.Contains(stderr, "an import by ann") {
		t.Errorf("employees import meanwhile: status %d, stderr %q", status, stderr)
	}

	feed.Close()
	if got := <-first; got != "0 imported 1 key\n" {
		t.Errorf("first import: %q", got)
	}
	env.Stdin = strings.NewReader("serial\nST2\n")
	if status, stdout, stderr := runWithin(t, 5*time.Second, env, "import", "keys", "-"); status != 0 {
		t.Errorf("import after the first ended: status %d, %s%s", status, stdout, stderr)
	}
}
