package ui

import (
	"bytes"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
)

// Whole flows through a real Bubble Tea program (teatest), with the
// store's watch subscription live.

type flow struct {
	t  *testing.T
	tm *teatest.TestModel
	st *store.Store
	// seen keeps all the output read so far, for checks on everything
	// that reached the terminal.
	seen bytes.Buffer
}

func startFlow(t *testing.T, st *store.Store, width, height int) *flow {
	t.Helper()
	return startFlowAs(t, st, tActor, width, height)
}

// startFlowAs is startFlow for a session of actor's.
func startFlowAs(t *testing.T, st *store.Store, actor model.Actor, width, height int) *flow {
	t.Helper()
	m := New(Config{Store: st, Actor: actor, Renderer: asciiRenderer(), Now: func() time.Time { return tNow }, Remote: !actor.Local()})
	f := &flow{t: t, st: st, tm: teatest.NewTestModel(t, m, teatest.WithInitialTermSize(width, height))}
	t.Cleanup(func() {
		f.tm.Quit()
		f.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	})
	return f
}

// see waits until every text has been drawn since the last wait.
func (f *flow) see(texts ...string) {
	f.t.Helper()
	teatest.WaitFor(f.t, f.tm.Output(), func(out []byte) bool {
		for _, s := range texts {
			if !bytes.Contains(out, []byte(s)) {
				return false
			}
		}
		f.seen.Write(out)
		return true
	}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

// keys types like driver.press.
func (f *flow) keys(keys ...string) {
	for _, k := range keys {
		if msg, ok := namedKey(k); ok {
			f.tm.Send(msg)
			continue
		}
		for _, r := range k {
			f.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
		}
	}
}

// openKey goes to the keys list with the cursor on one key.
func (f *flow) openKey(serial string) {
	f.t.Helper()
	f.see("of 40")
	f.keys("2")
	f.see("no filter")
	f.keys("/", serial, "enter")
	f.see("1 of 40")
}

// waitStatus waits until the store holds the key in status want (the
// flow's last key may still be on its way).
func (f *flow) waitStatus(serial string, want model.Status) {
	f.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if statusOf(f.t, f.st, serial) == want {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	f.t.Fatalf("key %s is %s, want %s", serial, statusOf(f.t, f.st, serial), want)
}

func TestFlowAssign(t *testing.T) {
	st := tDemoStore(t)
	k := keyIn(t, st, model.Ready)
	f := startFlow(t, st, 100, 30)
	f.openKey(k.Serial)
	f.keys("a")
	f.see("employees without a key")
	f.keys("enter")
	f.see("Activation code", k.Serial)
	f.waitStatus(k.Serial, model.Reserved)
}

func TestFlowShowCode(t *testing.T) {
	st := tDemoStore(t)
	k := keyIn(t, st, model.Suspended)
	f := startFlow(t, st, 100, 30)
	f.openKey(k.Serial)
	f.keys("c")
	f.see("Activation code", k.Serial)
	if !recentAction(t, st, k.ID, model.ActionCodeShown) {
		t.Fatal("no audit entry for the showing")
	}
}

func TestFlowReissue(t *testing.T) {
	st := tDemoStore(t)
	k := keyIn(t, st, model.Reserved)
	f := startFlow(t, st, 100, 30)
	f.openKey(k.Serial)
	f.keys("r")
	f.see("Issue a new code for key " + k.Serial)
	f.keys("y")
	f.see("Activation code")
	if !recentAction(t, st, k.ID, model.ActionCodeReissued) {
		t.Fatal("no code.reissued entry")
	}
	f.waitStatus(k.Serial, model.Reserved)
}

func TestFlowSuspend(t *testing.T) {
	st := tDemoStore(t)
	k := keyIn(t, st, model.Active)
	f := startFlow(t, st, 100, 30)
	f.openKey(k.Serial)
	f.keys("s")
	f.see("Suspend key " + k.Serial)
	f.keys("on leave", "enter")
	f.see("Activation code")
	f.waitStatus(k.Serial, model.Suspended)
	if got, _ := st.Key(k.Serial); got.Note != "on leave" {
		t.Fatalf("note is %q", got.Note)
	}
}

func TestFlowUnlock(t *testing.T) {
	st := tDemoStore(t)
	k := keyIn(t, st, model.Locked)
	f := startFlow(t, st, 100, 30)
	f.openKey(k.Serial)
	f.keys("u")
	f.see("Unlock key " + k.Serial)
	f.keys("enter")
	f.see("Activation code")
	f.waitStatus(k.Serial, model.Suspended)
}

func TestFlowRemove(t *testing.T) {
	st := tDemoStore(t)
	k := keyIn(t, st, model.Active)
	f := startFlow(t, st, 100, 30)
	f.openKey(k.Serial)
	f.keys("R")
	f.see("Remove key " + k.Serial)
	f.keys("right") // broken
	f.keys("tab", "cracked", "enter")
	f.see("removed: it is now Deactivated")
	f.waitStatus(k.Serial, model.Deactivated)
	if got, _ := st.Key(k.Serial); got.Reason != model.Broken || got.Note != "cracked" {
		t.Fatalf("reason %s, note %q", got.Reason, got.Note)
	}
}

func TestFlowCompromiseNeedsTheSerialTyped(t *testing.T) {
	st := tDemoStore(t)
	k := keyIn(t, st, model.Active)
	f := startFlow(t, st, 100, 30)
	f.openKey(k.Serial)
	f.keys("X")
	f.see("compromised?", "type "+k.Serial+" to confirm")
	f.keys("right", "tab", "tab", "WRONG", "enter")
	f.see("type the serial " + k.Serial + " to confirm")
	if statusOf(t, st, k.Serial) != model.Active {
		t.Fatal("compromised without the serial typed")
	}
	for range len("WRONG") {
		f.keys("backspace")
	}
	f.keys(strings.ToLower(k.Serial), "enter")
	f.see("is now Compromised: stolen")
	f.waitStatus(k.Serial, model.Compromised)
}

func TestFlowWiped(t *testing.T) {
	st := tDemoStore(t)
	k := keyIn(t, st, model.Deactivated)
	f := startFlow(t, st, 100, 30)
	f.openKey(k.Serial)
	f.keys("W")
	f.see("Mark key " + k.Serial + " wiped?")
	f.keys("y")
	f.see("wiped: back in stock as Ready")
	f.waitStatus(k.Serial, model.Ready)
}

func TestFlowChangeElsewhereShowsWithoutAKey(t *testing.T) {
	st := tDemoStore(t)
	f := startFlow(t, st, 100, 30)
	f.see("40 of 40")
	// Another session (or a command) adds an employee.
	if _, err := st.AddEmployee(model.LocalAdmin("bob"), model.EmployeeInput{FirstName: "Aaron", LastName: "Aardvark", Email: "aaron@example.com"}, ""); err != nil {
		t.Fatal(err)
	}
	f.see("41 of 41", "Aaron Aardvark")
}

func TestFlowEscapeSequencesInNamesAreNeutralised(t *testing.T) {
	st := tFixtureStore(t)
	for _, p := range []struct{ email, old, name string }{
		{"grace@example.com", "Grace", "Grace\x1b[2J"},
		{"ada@example.com", "Ada", "Ada\x1b]52;c;aGk=\x07"},
		{"alan@example.com", "Alan", "Alan\x1b]8;;http://x/\x07"},
		{"katherine@example.com", "Katherine", "Kat\u202eherine"},
	} {
		injectName(t, st, p.email, p.old, p.name)
	}
	f := startFlow(t, st, 120, 30)
	f.see("Grace␛[2J", "Ada␛]52;c;aGk=␇", "Alan␛]8;;http://x/␇", "Kat�herine")
	// Ada's page, her key's page and its code screen show the name too.
	f.keys("/", "ada@", "enter", "enter")
	f.see("History (")
	f.keys("enter")
	f.see("Key KD-0002")
	f.keys("c")
	f.see("Activation code")
	out := f.seen.String()
	for _, raw := range []string{"\x1b[2J", "\x1b]52;", "\x1b]8;", "\u202e"} {
		if strings.Contains(out, raw) {
			t.Errorf("%q reached the terminal raw", raw)
		}
	}
}

// recentAction reports whether one of a key's two newest audit entries
// is action (an action that issues a code also records its showing).
func recentAction(t *testing.T, st *store.Store, keyID uint64, action model.Action) bool {
	t.Helper()
	entries, err := st.KeyHistory(keyID)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries[:min(2, len(entries))] {
		if e.Action == action && e.Time.Equal(tNow) {
			return true
		}
	}
	return false
}

// A whole call in a real program: the helpdesk session starts on the
// call screen, finds the caller by typing, reads the code, and sees the
// caller activate their key without pressing anything.
func TestFlowHelpdeskCall(t *testing.T) {
	st := tFixtureStore(t)
	helen := tAddAdmin(t, st, "helen", model.RoleHelpdesk)
	f := startFlowAs(t, st, helen, 80, 24)
	f.see("[0 Call]", "helen · helpdesk", "find the caller")
	f.keys("lovelace")
	f.see("1 match", "Ada Lovelace")
	f.keys("enter")
	f.see("Call  Ada Lovelace", "3 of 3 wrong entries left", "press c to show it")
	f.keys("c")
	f.see("Activation code", "KD-0002", "╚") // the box's last line: the code above it is drawn too
	shown := newestEntry(t, st)
	if shown.Action != model.ActionCodeShown || shown.Actor != helen.String() {
		t.Fatalf("newest entry %+v, want the code shown by %s", shown, helen)
	}
	k, err := st.Key("KD-0002")
	if err != nil {
		t.Fatal(err)
	}
	code := codeOf(t, st, k)
	if !strings.Contains(f.seen.String(), model.GroupCode(code)) {
		t.Fatalf("the code %s was not on the screen", model.GroupCode(code))
	}
	if _, err := st.DeviceEnterCode(tActor, "KD-0002", code); err != nil {
		t.Fatalf("the code on the screen does not activate the key: %v", err)
	}
	f.see("KD-0002  Active", "✓ activated: key KD-0002 is Active")
}

// codeOf reads a key's current code the way an admin command would: a
// showing, recorded, so only after the screen showed it.
func codeOf(t *testing.T, st *store.Store, k model.Key) string {
	t.Helper()
	v, err := st.ShowCode(tActor, store.Serial(k.Serial))
	if err != nil {
		t.Fatal(err)
	}
	return v.Digits
}

// esc and q in one read reach a program as alt+q: on the help, that is
// esc (close it), then q (quit).
func TestEscAndQTogetherQuitFromTheHelp(t *testing.T) {
	f := startFlow(t, tFixtureStore(t), 80, 24)
	f.see("of 7")
	f.keys("?")
	f.see("Everywhere")
	f.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'q'}, Alt: true})
	f.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}
