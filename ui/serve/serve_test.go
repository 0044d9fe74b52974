package serve_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/muesli/termenv"
	bbolt "go.etcd.io/bbolt"
	"golang.org/x/crypto/ssh"

	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/serve"
)

func TestUnknownKeyIsRefused(t *testing.T) {
	h := newHarness(t)
	h.start()
	stranger := newAdmin(t, "stranger")
	if c, err := h.dial(ssh.PublicKeys(stranger.signer)); err == nil {
		c.Close()
		t.Fatal("a key that is not in authorized_keys logged in")
	}
	if got := h.commands.recorded(); len(got) != 0 {
		t.Fatalf("commands ran for a refused key: %v", got)
	}
}

func TestPasswordAndKeyboardInteractiveAreRefused(t *testing.T) {
	h := newHarness(t)
	h.start()
	answer := func(string, string, []string, []bool) ([]string, error) { return []string{"secret"}, nil }
	for name, auth := range map[string]ssh.AuthMethod{
		"password":             ssh.Password("secret"),
		"keyboard-interactive": ssh.KeyboardInteractive(answer),
	} {
		c, err := h.dial(auth)
		if err == nil {
			c.Close()
			t.Fatalf("%s login was accepted", name)
		}
		if !strings.Contains(err.Error(), "unable to authenticate") {
			t.Errorf("%s: want an authentication refusal, got %v", name, err)
		}
	}
}

func TestCommandGetsStdinStdoutExitStatusAndActor(t *testing.T) {
	h := newHarness(t)
	h.start()
	c := h.login(h.alice)

	if got := runCommand(t, c, "echo key code 'SN 1'", ""); got.stdout != "key code SN 1\n" || got.status != 0 {
		t.Errorf("echo: got %+v", got)
	}
	if got := runCommand(t, c, "cat", "line one\nline two\n"); got.stdout != "line one\nline two\n" {
		t.Errorf("stdin was not passed through: stdout %q", got.stdout)
	}
	got := runCommand(t, c, "exit 3", "")
	if got.status != 3 || got.stderr != "refused: exit 3\n" {
		t.Errorf("exit 3: got %+v", got)
	}

	calls := h.commands.recorded()
	want := [][]string{{"echo", "key", "code", "SN 1"}, {"cat"}, {"exit", "3"}}
	if len(calls) != len(want) {
		t.Fatalf("recorded %d calls, want %d: %v", len(calls), len(want), calls)
	}
	for i, call := range calls {
		if !slices.Equal(call.args, want[i]) {
			t.Errorf("call %d: args %q, want %q", i, call.args, want[i])
		}
		if call.actor != h.alice.actor() {
			t.Errorf("call %d: actor %q, want %q", i, call.actor, h.alice.actor())
		}
	}
}

func TestLargeBinaryOutputArrivesIntact(t *testing.T) {
	h := newHarness(t)
	h.start()
	c := h.login(h.bob)
	data := make([]byte, 1<<20)
	rand.Read(data)
	if got := runCommand(t, c, "cat", string(data)); got.stdout != string(data) {
		t.Fatalf("got %d bytes back, want the %d sent, unchanged", len(got.stdout), len(data))
	}
}

// offerOnly offers a public key it cannot sign for: its signature is
// not one the key could make, so the server asks the client for another
// key instead of believing this one.
type offerOnly struct{ offered ssh.PublicKey }

func (o offerOnly) PublicKey() ssh.PublicKey { return o.offered }
func (o offerOnly) Sign(io.Reader, []byte) (*ssh.Signature, error) {
	return &ssh.Signature{Format: "ssh-rsa", Blob: []byte("not a signature")}, nil
}

func TestIdentityIsTheKeyTheSessionProved(t *testing.T) {
	h := newHarness(t)
	h.start()
	fakeBob := offerOnly{offered: h.bob.signer.PublicKey()}
	c, err := h.dial(ssh.PublicKeysCallback(func() ([]ssh.Signer, error) {
		return []ssh.Signer{fakeBob, h.alice.signer}, nil
	}))
	if err != nil {
		t.Fatalf("alice could not log in after offering bob's key: %v", err)
	}
	defer c.Close()
	runCommand(t, c, "echo who", "")
	calls := h.commands.recorded()
	if len(calls) != 1 || calls[0].actor != h.alice.actor() {
		t.Fatalf("the command ran as %v, want only %q", calls, h.alice.actor())
	}
	if strings.Contains(calls[0].actor, "bob") || strings.Contains(calls[0].actor, h.bob.fingerprint()) {
		t.Fatalf("offering bob's key without proving it made the session bob's: %q", calls[0].actor)
	}
}

func TestOnlyTheOfferedKeyOfAnotherAdminIsRefused(t *testing.T) {
	h := newHarness(t)
	h.start()
	fakeBob := offerOnly{offered: h.bob.signer.PublicKey()}
	if c, err := h.dial(ssh.PublicKeys(fakeBob)); err == nil {
		c.Close()
		t.Fatal("a client that offered bob's key without bob's private key logged in")
	}
}

func TestTerminalGetsTheTUI(t *testing.T) {
	h := newHarness(t)
	h.start()
	c := h.login(h.alice)
	term := openTerminal(t, c, nil)
	term.waitFor("hello " + h.alice.actor())
	term.press("q")
	if err := term.end(); err != nil {
		t.Fatalf("the session did not end cleanly after q: %v", err)
	}
	if got := h.tui.lastProfile(); got != termenv.ANSI256 {
		t.Errorf("xterm-256color got color profile %v, want ANSI256", got)
	}
	if got := h.commands.recorded(); len(got) != 0 {
		t.Errorf("a terminal session ran commands: %v", got)
	}
}

func TestTerminalThatAnswersNoQueryGetsTheTUIAndEveryKey(t *testing.T) {
	h := newHarness(t)
	h.start()
	c := h.login(h.alice)
	term := openSilentTerminal(t, c)
	term.waitFor("hello " + h.alice.actor()) // without a key pressed first
	term.press("q")
	if err := term.end(); err != nil {
		t.Fatalf("the first key after the screen appeared did not quit: %v", err)
	}
}

func TestNoColorFromTheSessionEnvironment(t *testing.T) {
	h := newHarness(t)
	h.start()
	c := h.login(h.bob)
	term := openTerminal(t, c, map[string]string{"NO_COLOR": "1"})
	term.waitFor("hello " + h.bob.actor())
	if got := h.tui.lastProfile(); got != termenv.Ascii {
		t.Errorf("NO_COLOR=1 got color profile %v, want Ascii", got)
	}
	term.press("q")
	term.end()
}

func TestNeitherTerminalNorCommandSaysWhatToDo(t *testing.T) {
	h := newHarness(t)
	h.start()
	c := h.login(h.alice)
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	var stderr bytes.Buffer
	sess.Stderr = &stderr
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	err = sess.Wait()
	var exit *ssh.ExitError
	if !errors.As(err, &exit) || exit.ExitStatus() != 2 {
		t.Fatalf("want exit status 2, got %v", err)
	}
	if !strings.Contains(stderr.String(), "ssh -t") {
		t.Errorf("stderr does not say how to get the screens: %q", stderr.String())
	}
}

func TestSessionsSharingAConnectionStaySeparate(t *testing.T) {
	h := newHarness(t)
	h.start()
	c := h.login(h.alice)
	term := openTerminal(t, c, nil)
	term.waitFor("hello " + h.alice.actor())
	if got := runCommand(t, c, "echo beside the screens", ""); got.stdout != "beside the screens\n" {
		t.Fatalf("a command beside a TUI on the same connection: got %+v", got)
	}
	term.press("q")
	if err := term.end(); err != nil {
		t.Fatalf("the TUI session did not end cleanly: %v", err)
	}
	if got := h.commands.recorded(); len(got) != 1 {
		t.Fatalf("want the one command run once, got %v", got)
	}
}

func TestRemovedKeyIsRefusedWithoutRestart(t *testing.T) {
	h := newHarness(t)
	h.start()
	h.login(h.bob)
	writeAuthorizedKeys(t, filepath.Join(h.dir, "authorized_keys"), h.alice)
	if c, err := h.dial(ssh.PublicKeys(h.bob.signer)); err == nil {
		c.Close()
		t.Fatal("bob logged in after his key was removed")
	}
	h.login(h.alice)
}

func TestNoAuthorizedKeysFileRefusesToStart(t *testing.T) {
	h := newHarness(t)
	path := filepath.Join(h.dir, "authorized_keys")
	os.Remove(path)
	cfg := h.cfg
	cfg.Ready = func(string) { t.Error("the server listened without an authorized_keys file") }
	err := serve.Run(context.Background(), cfg)
	if err == nil {
		t.Fatal("Run started without an authorized_keys file")
	}
	for _, want := range []string{"no authorized_keys file at " + path, "cat ~/.ssh/id_ed25519.pub >> " + path} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if _, err := os.Stat(filepath.Join(h.dir, "keydesk_host_ed25519")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused start left a host key behind: %v", err)
	}
}

func TestEmptyAuthorizedKeysFileRefusesToStart(t *testing.T) {
	h := newHarness(t)
	writeAuthorizedKeys(t, filepath.Join(h.dir, "authorized_keys"))
	err := serve.Run(context.Background(), h.cfg)
	if err == nil || !strings.Contains(err.Error(), "cat ~/.ssh/id_ed25519.pub >>") {
		t.Fatalf("want a refusal that says how to add a key, got %v", err)
	}
}

func TestHostKeyIsCreatedOnceAndReused(t *testing.T) {
	h := newHarness(t)
	path := filepath.Join(h.dir, "keydesk_host_ed25519")
	first := serverFingerprint(t, h)
	info, err := os.Stat(path)
	if err != nil {
		t.Fatalf("no host key beside the database: %v", err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("host key mode %v, want 0600", info.Mode().Perm())
	}
	if !strings.Contains(h.log.String(), first) {
		t.Errorf("the log does not print the host key fingerprint %s:\n%s", first, h.log.String())
	}

	if second := serverFingerprint(t, h); second != first {
		t.Errorf("the host key changed between runs: %s then %s", first, second)
	}
}

// serverFingerprint runs the server once and returns the host key
// fingerprint a client sees.
func serverFingerprint(t *testing.T, h *harness) string {
	t.Helper()
	h.start()
	defer h.stop()
	var seen string
	c, err := ssh.Dial("tcp", h.addr, &ssh.ClientConfig{
		User: "admin",
		Auth: []ssh.AuthMethod{ssh.PublicKeys(h.alice.signer)},
		HostKeyCallback: func(_ string, _ net.Addr, key ssh.PublicKey) error {
			seen = ssh.FingerprintSHA256(key)
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	return seen
}

func TestIdleSessionEnds(t *testing.T) {
	h := newHarness(t)
	h.cfg.IdleTimeout = 500 * time.Millisecond
	h.start()
	c := h.login(h.alice)
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	if _, err := sess.StdinPipe(); err != nil { // open, never written
		t.Fatal(err)
	}
	if err := sess.Start("block"); err != nil {
		t.Fatal(err)
	}
	ended := make(chan error, 1)
	go func() { ended <- sess.Wait() }()
	select {
	case <-ended:
	case <-time.After(waitLimit):
		t.Fatal("an idle session was not closed")
	}
}

// Output the server sends (a screen redrawn because another admin changed
// something) is not the admin's activity: only what the client sends
// keeps a connection open. The client here reads nothing, so it sends
// nothing back, not even window adjustments, until the server has filled
// the SSH window (2 MiB, some 6 s of this output): a timeout that counted
// the server's writes would keep the connection open that long.
func TestIdleTimeoutCountsOnlyWhatTheClientSends(t *testing.T) {
	h := newHarness(t)
	h.cfg.IdleTimeout = 300 * time.Millisecond
	h.start()
	c := h.login(h.alice)
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	if _, err := sess.StdinPipe(); err != nil { // open, never written
		t.Fatal(err)
	}
	if err := sess.Start("ticker"); err != nil {
		t.Fatal(err)
	}
	ended := make(chan error, 1)
	go func() { ended <- sess.Wait() }()
	select {
	case <-ended:
	case <-time.After(3 * time.Second): // the window fills after some 6 s
		t.Fatal("a session that only received output was not closed as idle")
	}
	if n := h.commands.ticks.Load(); n < 2 {
		t.Fatalf("the server wrote %d times: the test proves nothing", n)
	}
}

func TestIdleTimeoutSparesAClientThatTypes(t *testing.T) {
	h := newHarness(t)
	h.cfg.IdleTimeout = time.Second // a wide margin over the 100 ms between keys, on a loaded machine
	h.start()
	c := h.login(h.alice)
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	in, err := sess.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.Start("block"); err != nil {
		t.Fatal(err)
	}
	ended := make(chan error, 1)
	go func() { ended <- sess.Wait() }()
	for range 30 { // 3 s of typing, three timeouts
		select {
		case err := <-ended:
			t.Fatalf("a session the client kept typing in was closed as idle (%v)", err)
		case <-time.After(100 * time.Millisecond):
		}
		if _, err := in.Write([]byte("x")); err != nil {
			t.Fatalf("typing: %v", err)
		}
	}
}

func TestAddressFileWhileRunning(t *testing.T) {
	h := newHarness(t)
	h.start()
	file := serve.AddressFile(h.cfg.DBPath)
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("no address file while serving: %v", err)
	}
	if first, _, _ := strings.Cut(string(data), "\n"); first != h.addr {
		t.Errorf("address file says %q, want %q", first, h.addr)
	}
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(file); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the address file is still there after shutdown: %v", err)
	}
}

func TestShutdownEndsOpenSessions(t *testing.T) {
	h := newHarness(t)
	h.tui.stubborn = true
	h.start()
	c := h.login(h.alice)

	term := openTerminal(t, c, nil)
	term.waitFor("hello " + h.alice.actor())

	blocked, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer blocked.Close()
	if _, err := blocked.StdinPipe(); err != nil { // open, never closed
		t.Fatal(err)
	}
	if err := blocked.Start("block"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-h.commands.blocked:
	case <-time.After(waitLimit):
		t.Fatal("the command did not start")
	}

	start := time.Now()
	if err := h.stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if took, limit := time.Since(start), h.cfg.ShutdownGrace+2*time.Second; took > limit {
		t.Errorf("shutdown took %v, want at most %v", took, limit)
	}
	term.end() // all it was sent has arrived
	if !term.shows("keydesk serve has stopped") {
		t.Errorf("the terminal was not told the server stopped")
	}
	if _, err := os.Stat(serve.AddressFile(h.cfg.DBPath)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the address file is still there after shutdown: %v", err)
	}

	if err := h.st.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(h.cfg.DBPath, store.Options{NoSync: true})
	if err != nil {
		t.Fatalf("reopening the database: %v", err)
	}
	defer st.Close()
	err = st.DB().View(func(tx *bbolt.Tx) error {
		for err := range tx.Check() {
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatalf("the database does not pass Check after shutdown: %v", err)
	}
}

// The context a TUI gets ends with its session, even when the admin never
// quits: a dropped connection must not leave the model's subscriptions
// behind.
func TestTUIContextEndsWhenTheConnectionDrops(t *testing.T) {
	h := newHarness(t)
	h.start()
	c := h.login(h.alice)
	term := openTerminal(t, c, nil)
	term.waitFor("hello " + h.alice.actor())
	ctx := h.tui.lastContext()
	if ctx.Err() != nil {
		t.Fatal("the TUI's context was done while its session was open")
	}
	c.Close() // no q: the network went away
	select {
	case <-ctx.Done():
	case <-time.After(waitLimit):
		t.Fatal("the TUI's context is not done after its connection dropped")
	}
}

// Closing one TUI session, without quitting, ends its context, not the
// connection's (which carries on with another session).
func TestTUIContextIsThePerSessionOne(t *testing.T) {
	h := newHarness(t)
	h.start()
	c := h.login(h.alice)
	first := openTerminal(t, c, nil)
	first.waitFor("hello " + h.alice.actor())
	firstCtx := h.tui.lastContext()
	second := openTerminal(t, c, nil)
	second.waitFor("hello " + h.alice.actor())
	secondCtx := h.tui.lastContext()

	first.sess.Close()
	select {
	case <-firstCtx.Done():
	case <-time.After(waitLimit):
		t.Fatal("the first TUI's context is not done after its session ended")
	}
	if secondCtx.Err() != nil {
		t.Fatal("ending one session ended the context of another on the same connection")
	}
	second.press("q")
	second.end()
}

// ssh -t turns \n into \r\n on the way out: a command must be able to tell,
// so that binary output (backup -) is refused rather than corrupted.
func TestCommandsKnowWhenTheyWriteToATerminal(t *testing.T) {
	h := newHarness(t)
	h.start()
	c := h.login(h.alice)
	if got := runCommand(t, c, "tty?", ""); got.stdout != "false\n" {
		t.Errorf("without a terminal: %q", got.stdout)
	}
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	if err := sess.RequestPty("xterm", 24, 80, ssh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	out, err := sess.Output("tty?")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(out)); got != "true" {
		t.Errorf("with a terminal: %q", got)
	}
}

// A command line is split as a shell would: an empty quoted word is a
// word, and one that cannot be split runs nothing and says why.
func TestCommandLineSplitting(t *testing.T) {
	h := newHarness(t)
	h.start()
	c := h.login(h.alice)

	if got := runCommand(t, c, `echo a '' "b c" d\ e`, ""); got.status != 0 || got.stdout != "a  b c d e\n" {
		t.Errorf("echo: got %+v", got)
	}
	for _, bad := range []struct{ line, why string }{
		{`echo 'SN 1`, "a quote is not closed"},
		{`echo "SN`, "a quote is not closed"},
		{`echo SN\`, "the command ends with a backslash"},
	} {
		got := runCommand(t, c, bad.line, "")
		if want := "keydesk: cannot read the command: " + bad.why + "\n"; got.status != 2 || got.stderr != want {
			t.Errorf("%s: got %+v, want exit 2 and %q", bad.line, got, want)
		}
	}
	calls := h.commands.recorded()
	if len(calls) != 1 || !slices.Equal(calls[0].args, []string{"echo", "a", "", "b c", "d e"}) {
		t.Errorf("commands run: %v, want only echo with 5 words", calls)
	}
}
