package ui

import (
	"bytes"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/store/secrets"
	"github.com/muesli/termenv"
	bolt "go.etcd.io/bbolt"
)

// Shared fixtures of the UI tests: a store on a temp file with a fixed
// clock and a fixed random stream, an ASCII renderer, and a driver that
// calls Update directly and runs the commands it returns.

// tActor acts in the tests: an admin on this machine.
var tActor = model.LocalAdmin("alice")

// tActorName is how the audit trail names tActor.
const tActorName = "alice (admin, local)"

var tNow = time.Date(2025, time.March, 14, 9, 0, 0, 0, time.UTC)

// lockedReader makes a seeded math/rand stream safe to share between the
// store's write transactions and tests.
type lockedReader struct {
	mu sync.Mutex
	r  *rand.Rand
}

func (l *lockedReader) Read(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Read(p)
}

// tStore opens an empty store in a temp dir, at tNow.
func tStore(t testing.TB) *store.Store {
	t.Helper()
	return tStoreAt(t, func() time.Time { return tNow })
}

func tStoreAt(t testing.TB, now func() time.Time) *store.Store {
	t.Helper()
	path := filepath.Join(t.TempDir(), "keydesk.db")
	// A fixed key file: the sealed codes' bytes, and so the audit entries'
	// hashes (which cover the records they wrote), are the same each run.
	fixedKey := "keydesk secrets key v1 " + strings.Repeat("5a", 32) + "\n"
	if err := os.WriteFile(secrets.KeyPath(path), []byte(fixedKey), 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(path, store.Options{
		NoSync: true,
		Now:    now,
		Random: &lockedReader{r: rand.New(rand.NewSource(1))},
	})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// tDemoStore is a store with demo data: keys in every status.
func tDemoStore(t testing.TB) *store.Store {
	t.Helper()
	st := tStore(t)
	if err := st.FillDemo(model.LocalAdmin("demo"), 40, 40); err != nil {
		t.Fatalf("FillDemo: %v", err)
	}
	return st
}

// tFixtureStore is a small inventory built with the store's own
// operations, one hour apart and ending at tNow: a key in every status.
// Golden views use it, so that they depend on the screens, not on the
// demo generator's layout.
func tFixtureStore(t testing.TB) *store.Store {
	t.Helper()
	clock := tNow.Add(-48 * time.Hour)
	st := tStoreAt(t, func() time.Time { return clock })
	step := func() { clock = clock.Add(time.Hour) }
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var rows []store.KeyRow
	for i := 1; i <= 10; i++ {
		m := "IPI Key 3"
		if i%3 == 0 {
			m = "IPI Key 4 NFC"
		}
		rows = append(rows, store.KeyRow{Line: i + 1, KeyInput: model.KeyInput{
			Serial: fmt.Sprintf("KD-%04d", i), MAC: fmt.Sprintf("D0:7E:00:00:00:%02X", i),
			Model: m, Firmware: "3.5.0", RFID: fmt.Sprintf("RF%06d", i*7919),
		}})
	}
	_, err := st.ImportKeys(tActor, rows)
	must(err)
	people := []model.EmployeeInput{
		{FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com", Phone: "+44 20 7946 0001", Department: "Engineering", Position: "Analyst"},
		{FirstName: "Grace", LastName: "Hopper", Email: "grace@example.com", Department: "Engineering", Position: "Rear Admiral"},
		{FirstName: "Alan", LastName: "Turing", Email: "alan@example.com", Department: "Research", Position: "Cryptanalyst"},
		{FirstName: "Katherine", LastName: "Johnson", Email: "katherine@example.com", Department: "Research", Position: "Mathematician"},
		{FirstName: "Linus", LastName: "Torvalds", Email: "linus@example.com", Department: "IT", Position: "Maintainer"},
		{FirstName: "Margaret", LastName: "Hamilton", Email: "margaret@example.com", Department: "Engineering", Position: "Director"},
		{FirstName: "Barbara", LastName: "Liskov", Email: "barbara@example.com", Department: "Research", Position: "Professor"},
	}
	for _, p := range people {
		step()
		_, err := st.AddEmployee(tActor, p, "")
		must(err)
	}
	// A key in every status: K1 stays Ready, K2 Reserved (Ada), K3
	// Active (Grace), K4 Locked (Alan), K5 Suspended (Katherine), K6
	// Deactivated (was Linus's), K7 Compromised (was Margaret's).
	activate := func(serial, email string) {
		step()
		v, err := st.AssignKey(tActor, store.Serial(serial), email)
		must(err)
		step()
		_, err = st.DeviceEnterCode(tActor, serial, v.Digits)
		must(err)
	}
	step()
	_, err = st.AssignKey(tActor, store.Serial("KD-0002"), "ada@example.com")
	must(err)
	activate("KD-0003", "grace@example.com")
	activate("KD-0004", "alan@example.com")
	step()
	_, err = st.DevicePinLocked(tActor, "KD-0004")
	must(err)
	activate("KD-0005", "katherine@example.com")
	activate("KD-0006", "linus@example.com")
	step()
	_, err = st.RemoveKey(tActor, store.Serial("KD-0006"), model.Broken, "cracked casing")
	must(err)
	activate("KD-0007", "margaret@example.com")
	step()
	_, err = st.CompromiseKey(tActor, store.Serial("KD-0007"), model.Lost, "KD-0007", "reported by phone")
	must(err)
	clock = tNow.Add(-2 * time.Hour)
	_, err = st.SuspendKey(tActor, store.Serial("KD-0005"), "on leave")
	must(err)
	clock = tNow
	return st
}

// asciiRenderer draws without colour, so that views compare as text.
func asciiRenderer() *lipgloss.Renderer {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	return r
}

// driver runs the root model the way Bubble Tea would, without a
// terminal: messages go to Update, commands run and their messages go
// back in, until nothing is left.
type driver struct {
	t    testing.TB
	app  *app
	st   *store.Store
	quit bool // the app asked to quit
}

func newDriver(t testing.TB, st *store.Store, width, height int) *driver {
	t.Helper()
	return newDriverWith(t, Config{Store: st}, width, height)
}

// newDriverWith is newDriver with more of the Config set (the mail
// server's roots, say, or another actor than tActor); the renderer and
// clock are the tests' own.
func newDriverWith(t testing.TB, cfg Config, width, height int) *driver {
	t.Helper()
	st := cfg.Store
	if cfg.Actor.Name == "" {
		cfg.Actor = tActor
	}
	cfg.Renderer, cfg.Now = asciiRenderer(), func() time.Time { return tNow }
	a := newApp(cfg)
	a.noWatch = true        // tests make changes visible with reload()
	a.audit.SearchDelay = 0 // no pause between typing and searching
	d := &driver{t: t, app: a, st: st}
	d.send(tea.WindowSizeMsg{Width: width, Height: height})
	d.run(a.Init())
	return d
}

// send delivers one message and everything that follows from it.
func (d *driver) send(msg tea.Msg) {
	d.t.Helper()
	_, cmd := d.app.Update(msg)
	d.run(cmd)
}

// cmdTimeout bounds a command that waits for time to pass (a cursor
// blink, a search debounce): the driver drops it. Store calls on a test
// database answer in milliseconds.
const cmdTimeout = 2 * time.Second

// run runs a command and feeds its messages back, breadth first.
func (d *driver) run(cmd tea.Cmd) {
	d.t.Helper()
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 10000 {
			d.t.Fatal("commands never settle")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg, ok := runTimed(c)
		if !ok || msg == nil {
			continue
		}
		if cmds, ok := batched(msg); ok {
			queue = append(queue, cmds...)
			continue
		}
		if _, ok := msg.(tea.QuitMsg); ok {
			d.quit = true
			continue
		}
		_, next := d.app.Update(msg)
		queue = append(queue, next)
	}
}

// runTimed runs a command, giving up on one that only waits for time.
func runTimed(c tea.Cmd) (tea.Msg, bool) {
	if isTick(c) {
		return nil, false
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- c() }()
	select {
	case msg := <-done:
		return msg, true
	case <-time.After(cmdTimeout):
		return nil, false
	}
}

// isTick reports a cursor's blink: it only waits, and re-arms forever.
func isTick(c tea.Cmd) bool {
	return strings.Contains(runtime.FuncForPC(reflect.ValueOf(c).Pointer()).Name(), "bubbles/cursor.")
}

// batched unpacks tea.Batch and tea.Sequence messages.
func batched(msg tea.Msg) ([]tea.Cmd, bool) {
	if b, ok := msg.(tea.BatchMsg); ok {
		return b, true
	}
	v := reflect.ValueOf(msg)
	if v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeOf(tea.Cmd(nil)) {
		cmds := make([]tea.Cmd, v.Len())
		for i := range cmds {
			cmds[i] = v.Index(i).Interface().(tea.Cmd)
		}
		return cmds, true
	}
	return nil, false
}

// press sends keys: names like "enter", "esc", "ctrl+c", "shift+tab",
// "up", or a string of runes typed one by one.
func (d *driver) press(keys ...string) {
	d.t.Helper()
	for _, k := range keys {
		if msg, ok := namedKey(k); ok {
			d.send(msg)
			continue
		}
		for _, r := range k {
			d.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
		}
	}
}

func namedKey(name string) (tea.KeyMsg, bool) {
	switch name {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}, true
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}, true
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}, true
	case "shift+tab":
		return tea.KeyMsg{Type: tea.KeyShiftTab}, true
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}, true
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}, true
	case "pgup":
		return tea.KeyMsg{Type: tea.KeyPgUp}, true
	case "pgdown":
		return tea.KeyMsg{Type: tea.KeyPgDown}, true
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}, true
	case "ctrl+c":
		return tea.KeyMsg{Type: tea.KeyCtrlC}, true
	case "right":
		return tea.KeyMsg{Type: tea.KeyRight}, true
	case "left":
		return tea.KeyMsg{Type: tea.KeyLeft}, true
	case "ctrl+u":
		return tea.KeyMsg{Type: tea.KeyCtrlU}, true
	case "space":
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}, true
	}
	return tea.KeyMsg{}, false
}

// view is the screen as text.
func (d *driver) view() string { return d.app.View() }

// reload makes the app see the store as it is now, as the watch would.
func (d *driver) reload() { d.send(dataChangedMsg{}) }

// mustSee fails unless every text is on screen.
func (d *driver) mustSee(texts ...string) {
	d.t.Helper()
	v := d.view()
	for _, s := range texts {
		if !strings.Contains(v, s) {
			d.t.Fatalf("%q is not on screen:\n%s", s, v)
		}
	}
}

// mustNotSee fails if any text is on screen.
func (d *driver) mustNotSee(texts ...string) {
	d.t.Helper()
	v := d.view()
	for _, s := range texts {
		if strings.Contains(v, s) {
			d.t.Fatalf("%q is on screen but should not be:\n%s", s, v)
		}
	}
}

// keyIn returns a key of the store in status s.
func keyIn(t testing.TB, st *store.Store, s model.Status) model.Key {
	t.Helper()
	snap, err := st.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range snap.Keys {
		if k.Status == s {
			return k
		}
	}
	t.Fatalf("no key is %s", s)
	return model.Key{}
}

// holderOf is the employee who holds k.
func holderOf(t testing.TB, st *store.Store, k model.Key) model.Employee {
	t.Helper()
	snap, err := st.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range snap.Employees {
		if e.ID == k.EmployeeID {
			return e
		}
	}
	t.Fatalf("nobody holds key %s", k.Serial)
	return model.Employee{}
}

func statusOf(t testing.TB, st *store.Store, serial string) model.Status {
	t.Helper()
	k, err := st.Key(serial)
	if err != nil {
		t.Fatal(err)
	}
	return k.Status
}

// injectName writes a first and last name into a stored employee as a
// damaged or hostile database could hold them: the store refuses such
// names, so the test patches the record's bytes in place.
func injectName(t testing.TB, st *store.Store, email, oldFirst, newFirst string) {
	t.Helper()
	e, err := st.Employee(email)
	if err != nil {
		t.Fatal(err)
	}
	var key [8]byte
	for i := 0; i < 8; i++ {
		key[7-i] = byte(e.ID >> (8 * i))
	}
	err = st.DB().Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("employees"))
		raw := b.Get(key[:])
		old := append([]byte{byte(len(oldFirst))}, oldFirst...)
		patched := bytes.Replace(raw, old, append([]byte{byte(len(newFirst))}, newFirst...), 1)
		if bytes.Equal(raw, patched) {
			t.Fatalf("name %q not found in the record", oldFirst)
		}
		return b.Put(key[:], patched)
	})
	if err != nil {
		t.Fatal(err)
	}
}
