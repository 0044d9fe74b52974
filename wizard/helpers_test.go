package wizard

import (
	"bytes"
	"io"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/component/styles"
	"github.com/muesli/termenv"
)

// Shared fixtures: every test works on its own database in t.TempDir(),
// with a fixed clock and a fixed random stream so codes and screens are
// the same on every run.

// tActor acts in the tests: an admin on this machine.
var tActor = model.LocalAdmin("alice")

// tActorName is how the audit trail names tActor.
const tActorName = "alice (admin, local)"

var tNow = time.Date(2026, time.March, 14, 9, 0, 0, 0, time.UTC)

func tClock() time.Time { return tNow }

// tRandom is a fixed, varied byte stream for activation codes.
func tRandom() io.Reader {
	b := make([]byte, 1<<14)
	for i := range b {
		b[i] = byte(i*37 + 11)
	}
	return bytes.NewReader(b)
}

// tStyles draws without colour, as a pinned ASCII terminal would.
func tStyles() *styles.Styles {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	return styles.New(r)
}

// tKeys is the stock of the test database: five Ready keys, and one
// (IPI-0006) that Sam Holder already holds.
var tKeys = []model.KeyInput{
	{Serial: "IPI-0001", Model: "IPI Key 2", Firmware: "3.1.0", RFID: "0A1B2C01"},
	{Serial: "IPI-0002", Model: "IPI Key 2", Firmware: "3.1.0", RFID: "0A1B2C02"},
	{Serial: "IPI-0003", Model: "IPI Key 3 NFC", Firmware: "3.2.1", RFID: "0A1B2C03"},
	{Serial: "IPI-0004", Model: "IPI Key 3 NFC", Firmware: "3.2.1", RFID: "0A1B2C04"},
	{Serial: "IPI-0005", Model: "IPI Key 3 NFC", Firmware: "3.2.1", RFID: "FF00AA05"},
	{Serial: "IPI-0006", Model: "IPI Key 2", Firmware: "3.1.0", RFID: "0A1B2C06"},
}

var tHolder = model.EmployeeInput{FirstName: "Sam", LastName: "Holder", Email: "sam@example.com"}

// tJane is the profile most tests type.
var tJane = model.EmployeeInput{FirstName: "Jane", LastName: "Doe", Email: "jane.doe@example.com",
	Phone: "+1 555 0100", Department: "Finance", Position: "Accountant", Company: "Contoso"}

func tOpenStore(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(filepath.Join(t.TempDir(), "keydesk.db"),
		store.Options{NoSync: true, Now: tClock, Random: tRandom()})
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	rows := make([]store.KeyRow, len(tKeys))
	for i, k := range tKeys {
		rows[i] = store.KeyRow{Line: i + 2, KeyInput: k}
	}
	if _, err := s.ImportKeys(tActor, rows); err != nil {
		t.Fatalf("ImportKeys: %v", err)
	}
	if _, err := s.AddEmployee(tActor, tHolder, "IPI-0006"); err != nil {
		t.Fatalf("AddEmployee: %v", err)
	}
	return s
}

// harness drives a wizard the way Bubble Tea would, but synchronously:
// every command is run and its message fed back until nothing is left.
type harness struct {
	t    testing.TB
	s    *store.Store
	w    *Model
	done *finished
}

// finished is how a wizard ended (see Model.Finished).
type finished struct{ Created *store.NewEmployee }

func newHarness(t testing.TB) *harness {
	t.Helper()
	return newHarnessWith(t, nil)
}

// newHarnessWith lets a test set more of the Config (the mail options)
// before the wizard opens.
func newHarnessWith(t testing.TB, configure func(*Config)) *harness {
	t.Helper()
	h := &harness{t: t, s: tOpenStore(t)}
	cfg := Config{Store: h.s, Actor: tActor, Styles: tStyles(), Now: tClock}
	if configure != nil {
		configure(&cfg)
	}
	h.w = New(cfg)
	h.w.SetSize(80, 24)
	h.run(h.w.Init())
	return h
}

// send delivers messages one by one, each with all that follows from it.
func (h *harness) send(msgs ...tea.Msg) {
	h.t.Helper()
	for _, msg := range msgs {
		if h.done != nil {
			h.t.Fatalf("message %#v sent after the wizard was done", msg)
		}
		h.run(h.update(msg))
	}
}

// update gives the wizard a message, as the root does, and notes when the
// wizard is over.
func (h *harness) update(msg tea.Msg) tea.Cmd {
	_, cmd := h.w.Update(msg)
	if created, over := h.w.Finished(); over && h.done == nil {
		h.done = &finished{Created: created}
	}
	return cmd
}

// press sends named keys: "enter", "esc", "shift+tab", ... or text.
func (h *harness) press(keys ...string) {
	h.t.Helper()
	for _, k := range keys {
		h.send(keyMsg(k))
	}
}

// typeText types s one rune at a time.
func (h *harness) typeText(s string) {
	h.t.Helper()
	for _, r := range s {
		h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

var namedKeys = map[string]tea.KeyType{
	"enter": tea.KeyEnter, "esc": tea.KeyEsc, "tab": tea.KeyTab, "shift+tab": tea.KeyShiftTab,
	"ctrl+c": tea.KeyCtrlC, "ctrl+u": tea.KeyCtrlU, "up": tea.KeyUp, "down": tea.KeyDown, "pgup": tea.KeyPgUp,
	"pgdown": tea.KeyPgDown, "home": tea.KeyHome, "end": tea.KeyEnd, "backspace": tea.KeyBackspace,
}

func keyMsg(k string) tea.KeyMsg {
	if t, ok := namedKeys[k]; ok {
		return tea.KeyMsg{Type: t}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// run executes cmd depth first, as tea.Sequence would, and feeds every
// message back to the wizard. The cursor's blink timers are skipped: they
// only wait, and would keep the loop going for ever.
func (h *harness) run(cmd tea.Cmd) {
	h.t.Helper()
	steps := 0
	var run func(tea.Cmd)
	run = func(cmd tea.Cmd) {
		if cmd == nil || isBlinkTimer(cmd) {
			return
		}
		if steps++; steps > 10000 {
			h.t.Fatal("the wizard's commands never settle")
		}
		msg := cmd()
		if cmds, ok := subCommands(msg); ok {
			for _, c := range cmds {
				run(c)
			}
			return
		}
		if msg != nil {
			run(h.update(msg))
		}
	}
	run(cmd)
}

// subCommands unpacks tea.Batch and tea.Sequence (whose message type is
// not exported).
func subCommands(msg tea.Msg) ([]tea.Cmd, bool) {
	if batch, ok := msg.(tea.BatchMsg); ok {
		return batch, true
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

func isBlinkTimer(cmd tea.Cmd) bool {
	name := runtime.FuncForPC(reflect.ValueOf(cmd).Pointer()).Name()
	return strings.HasPrefix(name, "github.com/charmbracelet/bubbles/cursor.")
}

// fillProfile types a whole profile, field by field, and submits it.
func (h *harness) fillProfile(in model.EmployeeInput) {
	h.t.Helper()
	for _, f := range profileFields {
		h.typeText(*f.value(&in))
		h.press("enter")
	}
}

// toReview goes from a fresh wizard to the Review page with the key found
// by search ("" = No key now).
func (h *harness) toReview(in model.EmployeeInput, search string) {
	h.t.Helper()
	h.fillProfile(in)
	h.wantPage(pageKey)
	h.typeText(search)
	h.press("enter")
	h.wantPage(pageReview)
}

func (h *harness) wantPage(p page) {
	h.t.Helper()
	if h.w.page != p {
		h.t.Fatalf("on page %s, want %s; screen:\n%s", stepNames[h.w.page], stepNames[p], h.w.View())
	}
}

func (h *harness) wantScreen(parts ...string) {
	h.t.Helper()
	view := h.w.View()
	for _, p := range parts {
		if !strings.Contains(view, p) {
			h.t.Errorf("screen lacks %q:\n%s", p, view)
		}
	}
}

func (h *harness) wantNotScreen(parts ...string) {
	h.t.Helper()
	view := h.w.View()
	for _, p := range parts {
		if strings.Contains(view, p) {
			h.t.Errorf("screen shows %q:\n%s", p, view)
		}
	}
}

func (h *harness) employees() []model.Employee {
	h.t.Helper()
	snap, err := h.s.Snapshot()
	if err != nil {
		h.t.Fatalf("Snapshot: %v", err)
	}
	return snap.Employees
}
