package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
)

// The call screen, driven through Update as a helpdesk person works it.

// newestEntry is the audit trail's newest entry.
func newestEntry(t testing.TB, st *store.Store) model.AuditEntry {
	t.Helper()
	newest, _, err := st.AuditOlder(0, 1, nil)
	if err != nil || len(newest) != 1 {
		t.Fatalf("the newest audit entry: %v (%d read)", err, len(newest))
	}
	return newest[0]
}

// codeOnScreen is the digits of the code on screen, grouped as read aloud.
func codeOnScreen(view string) string {
	for _, line := range strings.Split(view, "\n") {
		f := strings.Fields(strings.Trim(strings.TrimSpace(line), "║"))
		if len(f) == 2 && len(f[0]) == 3 && len(f[1]) == 3 && strings.Trim(f[0]+f[1], "0123456789") == "" {
			return f[0] + f[1]
		}
	}
	return ""
}

func TestCallFindsTheCallerByNameEmailPhoneOrSerial(t *testing.T) {
	d := helpdeskDriver(t)
	d.mustSee("[0 Call]", "helen · helpdesk")
	for _, q := range []string{"ada lovelace", "ADA@EXAMPLE", "+44 20 7946 0001", "/442079460001", "7946", "kd-0002"} {
		d.press(q)
		d.mustSee("1 match", "Ada Lovelace")
		d.mustNotSee("Grace Hopper")
		d.press("esc") // clears the line and closes it: the next caller is typed at once
		d.mustSee("find the caller")
		d.mustNotSee("esc clear")
	}
	d.press("nobody-like-this")
	d.mustSee("nobody matches")
}

// Enter opens the caller's key: status, wrong entries left and expiry,
// and no code until it is asked for; `c` shows it on the same screen,
// and that showing is audited as helen's.
func TestCallShowsTheCodeOnlyWhenAsked(t *testing.T) {
	d := helpdeskDriver(t)
	d.press("lovelace", "enter")
	d.mustSee("Call  Ada Lovelace", "KD-0002  Reserved", "3 of 3 wrong entries left", "Expires", "(in 6 days)", "press c to show it",
		"c show code", "r reissue code")
	d.mustNotSee("Activation code", "X compromised", "R remove")
	if a := newestEntry(t, d.st).Action; a == model.ActionCodeShown {
		t.Fatal("opening the caller showed the code")
	}
	d.press("c")
	if d.app.code != nil {
		t.Fatal("the code opened on the code screen, not on the call screen")
	}
	code := codeOnScreen(d.view())
	if code == "" {
		t.Fatalf("no code on the call screen:\n%s", d.view())
	}
	d.mustSee("Activation code", "Call  Ada Lovelace", model.SpellCode(code))
	e := newestEntry(t, d.st)
	if e.Action != model.ActionCodeShown || !strings.HasPrefix(e.Actor, "helen (helpdesk, SHA256:") || !strings.Contains(e.Target, "KD-0002") {
		t.Fatalf("newest entry %+v, want KD-0002's code shown by helen", e)
	}
	// The code is the key's: it activates it.
	if _, err := d.st.DeviceEnterCode(tActor, "KD-0002", code); err != nil {
		t.Fatalf("the code on the call screen does not activate the key: %v", err)
	}
	d.reload()
	d.mustSee("KD-0002  Active", "✓ activated: key KD-0002 is Active")
	d.mustNotSee("Activation code")
}

// The actions of the call act without leaving the screen: the codes
// they issue are shown there.
func TestCallActionsStayOnTheCallScreen(t *testing.T) {
	d := helpdeskDriver(t)
	for _, tc := range []struct {
		caller, status, key, then string
	}{
		{"lovelace", "Reserved", "r", "Reserved"},  // reissue
		{"turing", "Locked", "u", "Suspended"},     // unlock
		{"hopper", "Active", "s", "Suspended"},     // suspend
		{"johnson", "Suspended", "r", "Suspended"}, // reissue
	} {
		d.press("/", tc.caller, "enter")
		d.mustSee("  " + tc.status)
		d.press(tc.key)
		if d.app.dialog == nil {
			t.Fatalf("%s: %s asked for no confirmation", tc.caller, tc.key)
		}
		d.press("enter")
		if d.app.code != nil || d.app.dialog != nil {
			t.Fatalf("%s: %s left the call screen", tc.caller, tc.key)
		}
		if codeOnScreen(d.view()) == "" {
			t.Fatalf("%s: no new code on the call screen after %s:\n%s", tc.caller, tc.key, d.view())
		}
		d.reload()
		d.mustSee("  "+tc.then, "Activation code")
		d.mustSee("[0 Call]")
	}
}

// A caller who holds no key gets a Ready one from the call screen, and
// its code is shown there.
func TestCallAssignsAReadyKeyToACallerWithout(t *testing.T) {
	d := helpdeskDriver(t)
	d.press("liskov", "enter")
	d.mustSee("none: they hold no key", "a assign")
	d.press("a")
	d.mustSee("Give Barbara Liskov a key")
	d.press("KD-0008", "enter")
	if d.app.dialog != nil || d.app.code != nil {
		t.Fatal("the assignment left the call screen")
	}
	code := codeOnScreen(d.view())
	if code == "" {
		t.Fatalf("no code after the assignment:\n%s", d.view())
	}
	d.reload()
	d.mustSee("KD-0008  Reserved", "3 of 3 wrong entries left", "Activation code", model.GroupCode(code))
	if k, _ := d.st.Key("KD-0008"); k.Status != model.Reserved {
		t.Fatalf("KD-0008 is %s", k.Status)
	}
}

// A code reissued by someone else during the call no longer works: it
// leaves the screen, which says why.
func TestCallDropsACodeReissuedMeanwhile(t *testing.T) {
	clock := tNow
	st := tStoreAt(t, func() time.Time { return clock })
	if _, err := st.ImportKeys(tActor, []store.KeyRow{{Line: 2, KeyInput: model.KeyInput{Serial: "KD-1"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddEmployee(tActor, model.EmployeeInput{FirstName: "Ada", Email: "ada@example.com"}, "KD-1"); err != nil {
		t.Fatal(err)
	}
	d := newDriverAs(t, st, tAddAdmin(t, st, "helen", model.RoleHelpdesk), 80, 24)
	d.press("ada", "enter", "c")
	d.mustSee("Activation code")
	clock = clock.Add(time.Minute)
	if _, err := st.ReissueCode(tActor, store.Serial("KD-1")); err != nil {
		t.Fatal(err)
	}
	d.reload()
	d.mustNotSee("Activation code")
	d.mustSee("a new code was issued meanwhile")
	d.press("c")
	d.mustSee("Activation code")
}

// Keys that arrive together act as typed: a burst of characters, a
// paste, and the enter after them.
func TestCallTakesABurstAndAPaste(t *testing.T) {
	d := helpdeskDriver(t)
	d.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("lovelace")})
	d.press("enter")
	d.mustSee("Call  Ada Lovelace")
	d.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("/hopper")})
	d.press("enter")
	d.mustSee("Call  Grace Hopper")
	d.press("esc", "esc") // back to the search, then clear it
	d.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("+44 20 7946 0001"), Paste: true})
	d.mustSee("1 match", "Ada Lovelace")
}

// Enter pressed before the whole index has come opens the first match
// once it does, as it would have had it been typed a moment later.
func TestCallEnterBeforeTheIndexOpensWhenItComes(t *testing.T) {
	st := tFixtureStore(t)
	helen := tAddAdmin(t, st, "helen", model.RoleHelpdesk)
	a := newApp(Config{Store: st, Actor: helen, Renderer: asciiRenderer(), Now: func() time.Time { return tNow }, Remote: true})
	a.noWatch = true
	d := &driver{t: t, app: a, st: st}
	d.send(resize(80, 24))
	cmds := a.Init()().(tea.BatchMsg)
	preview, whole := cmds[0], cmds[1]
	d.send(preview())
	d.press("lovelace", "enter")
	d.mustNotSee("Call  Ada Lovelace")
	d.send(whole())
	d.mustSee("Call  Ada Lovelace", "KD-0002  Reserved")
}

// esc goes back to the search as it was; `/` starts a new one.
func TestCallBackToTheSearch(t *testing.T) {
	d := helpdeskDriver(t)
	d.press("example.com", "down", "enter")
	d.mustSee("Call  Alan Turing")
	d.press("esc")
	d.mustSee("7 matches", "/ example.com")
	d.press("enter")
	d.mustSee("Call  Alan Turing")
	d.press("/")
	d.mustSee("find the caller")
	d.mustNotSee("example.com")
}

// An admin's call screen offers an admin's actions.
func TestCallOffersTheAdminEverything(t *testing.T) {
	d := newDriver(t, tFixtureStore(t), 80, 24)
	d.press("0", "hopper", "enter")
	d.mustSee("Call  Grace Hopper", "s suspend", "R remove", "X compromised")
}
