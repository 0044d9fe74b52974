package serve_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"golang.org/x/crypto/ssh"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/serve"
)

// waitLimit bounds every wait in these tests; a healthy run takes a tiny
// fraction of it.
const waitLimit = 10 * time.Second

// admin is a client key pair and its authorized_keys line.
type admin struct {
	name   string
	signer ssh.Signer
}

func newAdmin(t testing.TB, name string) admin {
	t.Helper()
	_, private, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(private)
	if err != nil {
		t.Fatal(err)
	}
	return admin{name: name, signer: signer}
}

func (a admin) line() string {
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(a.signer.PublicKey()))) + " " + a.name + "\n"
}

func (a admin) fingerprint() string { return ssh.FingerprintSHA256(a.signer.PublicKey()) }

// actor is how the audit trail must name this admin.
func (a admin) actor() string { return a.name + " (admin, " + a.fingerprint() + ")" }

func writeAuthorizedKeys(t testing.TB, path string, admins ...admin) {
	t.Helper()
	var b strings.Builder
	b.WriteString("# keydesk admins\n\n")
	for _, a := range admins {
		b.WriteString(a.line())
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

// syncBuffer is a log the server writes while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// eventually polls cond until it holds or waitLimit passes.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// call is one command line the server handed to RunCommand.
type call struct {
	args  []string
	actor string
}

// commandDouble stands in for the command line: "echo WORDS", "cat"
// (stdin to stdout), "exit N" (a refusal on stderr), "block" (reads stdin
// until it closes), "tty?" (whether stdout says it is a terminal),
// "ticker" (33 KiB to stdout every 100 ms, more than one buffer of a
// command's output, as screens redrawn by others' changes, until the
// session ends).
type commandDouble struct {
	mu      sync.Mutex
	calls   []call
	blocked chan struct{} // one value per "block" that started
	ticks   atomic.Int64  // writes of "ticker"
}

func newCommandDouble() *commandDouble {
	return &commandDouble{blocked: make(chan struct{}, 16)}
}

func (d *commandDouble) run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, actor model.Actor) int {
	d.mu.Lock()
	d.calls = append(d.calls, call{args: args, actor: actor.String()})
	d.mu.Unlock()
	switch {
	case len(args) > 0 && args[0] == "echo":
		fmt.Fprintln(stdout, strings.Join(args[1:], " "))
	case len(args) == 1 && args[0] == "cat":
		io.Copy(stdout, stdin)
	case len(args) == 2 && args[0] == "exit":
		n, _ := strconv.Atoi(args[1])
		fmt.Fprintln(stderr, "refused: exit", n)
		return n
	case len(args) == 1 && args[0] == "tty?":
		_, isTerminal := stdout.(interface{ IsTerminal() bool })
		fmt.Fprintln(stdout, isTerminal)
	case len(args) == 1 && args[0] == "ticker":
		for {
			select {
			case <-ctx.Done():
				return 0
			case <-time.After(100 * time.Millisecond):
			}
			if _, err := stdout.Write(bytes.Repeat([]byte("redraw\n"), 33<<10/7)); err != nil {
				return 0
			}
			d.ticks.Add(1)
		}
	case len(args) == 1 && args[0] == "block":
		d.blocked <- struct{}{}
		io.Copy(io.Discard, stdin)
	default:
		fmt.Fprintln(stderr, "unknown command")
		return 2
	}
	return 0
}

func (d *commandDouble) recorded() []call {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]call(nil), d.calls...)
}

// helloModel is the TUI double: it shows who is logged in and quits on
// "q" unless it is stubborn.
type helloModel struct {
	actor    string
	stubborn bool
}

func (m helloModel) Init() tea.Cmd { return nil }

func (m helloModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok && k.String() == "q" && !m.stubborn {
		return m, tea.Quit
	}
	return m, nil
}

func (m helloModel) View() string { return "hello " + m.actor }

// tuiDouble builds helloModels and remembers each session's color
// profile and context.
type tuiDouble struct {
	stubborn bool
	mu       sync.Mutex
	profiles []termenv.Profile
	contexts []context.Context
}

func (d *tuiDouble) newTUI(ctx context.Context, _ *store.Store, actor model.Actor, r *lipgloss.Renderer) tea.Model {
	d.mu.Lock()
	d.profiles = append(d.profiles, r.ColorProfile())
	d.contexts = append(d.contexts, ctx)
	d.mu.Unlock()
	return helloModel{actor: actor.String(), stubborn: d.stubborn}
}

func (d *tuiDouble) lastContext() context.Context {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.contexts[len(d.contexts)-1]
}

func (d *tuiDouble) lastProfile() termenv.Profile {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.profiles[len(d.profiles)-1]
}

// harness runs serve.Run on 127.0.0.1:0 with a temp store, and alice and
// bob in authorized_keys.
type harness struct {
	t          *testing.T
	dir        string
	st         *store.Store
	cfg        serve.Config
	log        *syncBuffer
	commands   *commandDouble
	tui        *tuiDouble
	alice, bob admin

	addr   string
	cancel context.CancelFunc
	done   chan error
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, "keydesk.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	h := &harness{
		t: t, dir: dir, st: st, log: &syncBuffer{},
		commands: newCommandDouble(), tui: &tuiDouble{},
		alice: newAdmin(t, "alice"), bob: newAdmin(t, "bob"),
	}
	writeAuthorizedKeys(t, filepath.Join(dir, "authorized_keys"), h.alice, h.bob)
	h.cfg = serve.Config{
		Store:         st,
		DBPath:        st.Path(),
		Listen:        "127.0.0.1:0",
		ShutdownGrace: 500 * time.Millisecond,
		Log:           h.log,
		RunCommand:    h.commands.run,
		NewTUI:        h.tui.newTUI,
	}
	return h
}

// start runs the server and waits until it listens.
func (h *harness) start() {
	h.t.Helper()
	ready := make(chan string, 1)
	cfg := h.cfg
	cfg.Ready = func(addr string) { ready <- addr }
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel, h.done = cancel, make(chan error, 1)
	go func() { h.done <- serve.Run(ctx, cfg) }()
	select {
	case h.addr = <-ready:
	case err := <-h.done:
		cancel()
		h.t.Fatalf("Run returned before listening: %v", err)
	case <-time.After(waitLimit):
		h.t.Fatal("the server did not start listening")
	}
	h.t.Cleanup(func() { h.stop() })
}

// stop cancels Run and returns its result; calling it again is harmless.
func (h *harness) stop() error {
	h.t.Helper()
	if h.cancel == nil {
		return nil
	}
	h.cancel()
	h.cancel = nil
	select {
	case err := <-h.done:
		return err
	case <-time.After(waitLimit):
		h.t.Fatal("Run did not return after its context was cancelled")
		return nil
	}
}

func (h *harness) dial(auth ...ssh.AuthMethod) (*ssh.Client, error) {
	return ssh.Dial("tcp", h.addr, &ssh.ClientConfig{
		User:            "admin",
		Auth:            auth,
		HostKeyCallback: ssh.InsecureIgnoreHostKey(),
		Timeout:         waitLimit,
	})
}

func (h *harness) login(a admin) *ssh.Client {
	h.t.Helper()
	c, err := h.dial(ssh.PublicKeys(a.signer))
	if err != nil {
		h.t.Fatalf("%s cannot log in: %v", a.name, err)
	}
	h.t.Cleanup(func() { c.Close() })
	return c
}

// result is what a client saw of one command.
type result struct {
	stdout, stderr string
	status         int
}

// runCommand runs cmd over a new session of c, with stdin.
func runCommand(t testing.TB, c *ssh.Client, cmd, stdin string) result {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	var stdout, stderr bytes.Buffer
	sess.Stdin, sess.Stdout, sess.Stderr = strings.NewReader(stdin), &stdout, &stderr
	err = sess.Run(cmd)
	var exit *ssh.ExitError
	status := 0
	switch {
	case errors.As(err, &exit):
		status = exit.ExitStatus()
	case err != nil:
		t.Fatalf("running %q: %v", cmd, err)
	}
	return result{stdout: stdout.String(), stderr: stderr.String(), status: status}
}

// terminal is the client's side of a session with a PTY: it collects what
// the server draws, and answers the server's terminal queries the way a
// real terminal emulator does (dark background, VT220 attributes).
type terminal struct {
	t     testing.TB
	sess  *ssh.Session
	input io.WriteCloser

	silent   bool // does not answer queries, like some terminals
	mu       sync.Mutex
	screen   bytes.Buffer
	answered int
}

const (
	queryDeviceAttributes = "\x1b[c"
	answerQueries         = "\x1b]11;rgb:0000/0000/0000\x07\x1b[?62;22c"
)

// openTerminal starts a shell session with a PTY; env is set first.
func openTerminal(t testing.TB, c *ssh.Client, env map[string]string) *terminal {
	return startTerminal(t, c, env, false)
}

// openSilentTerminal is openTerminal for a terminal that answers no query.
func openSilentTerminal(t testing.TB, c *ssh.Client) *terminal {
	return startTerminal(t, c, nil, true)
}

func startTerminal(t testing.TB, c *ssh.Client, env map[string]string, silent bool) *terminal {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sess.Close() })
	for k, v := range env {
		if err := sess.Setenv(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := sess.RequestPty("xterm-256color", 24, 80, ssh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	term := &terminal{t: t, sess: sess, silent: silent}
	if term.input, err = sess.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	sess.Stdout, sess.Stderr = term, term
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	return term
}

func (term *terminal) Write(p []byte) (int, error) {
	term.mu.Lock()
	term.screen.Write(p)
	queries := strings.Count(term.screen.String(), queryDeviceAttributes)
	pending := queries - term.answered
	term.answered = queries
	if term.silent {
		pending = 0
	}
	term.mu.Unlock()
	for range pending {
		go term.input.Write([]byte(answerQueries))
	}
	return len(p), nil
}

func (term *terminal) shows(text string) bool {
	term.mu.Lock()
	defer term.mu.Unlock()
	return strings.Contains(term.screen.String(), text)
}

func (term *terminal) waitFor(text string) {
	term.t.Helper()
	eventually(term.t, fmt.Sprintf("the screen to show %q", text), func() bool { return term.shows(text) })
}

func (term *terminal) press(keys string) {
	term.t.Helper()
	if _, err := term.input.Write([]byte(keys)); err != nil {
		term.t.Fatal(err)
	}
}

// end waits for the session to end and returns how it ended; the
// screen then holds everything the server sent.
func (term *terminal) end() error {
	term.t.Helper()
	ended := make(chan error, 1)
	go func() { ended <- term.sess.Wait() }()
	select {
	case err := <-ended:
		return err
	case <-time.After(waitLimit):
		term.t.Fatal("the terminal session did not end")
		return nil
	}
}
