package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/model"
)

// Keys that arrive in one read (a slow SSH link, fast typing) come as one
// message; each must still act as if typed alone. pty_test.go sends the
// same through a real terminal.
func TestKeysArrivingTogetherActOneByOne(t *testing.T) {
	st := tDemoStore(t)
	k := keyIn(t, st, model.Active)
	d := newDriver(t, st, 100, 30)
	d.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("2/" + k.Serial)})
	d.mustSee("[2 Keys]", "1 of 40", k.Serial)
}

// alt is how Bubble Tea reads esc and the key after it in one read.
func alt(k tea.KeyMsg) tea.KeyMsg {
	k.Alt = true
	return k
}

func runes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

func TestEscAndAKeyTogetherAreEscThenTheKey(t *testing.T) {
	d := newDriver(t, tDemoStore(t), 100, 30)
	d.press("?")
	d.mustSee("Everywhere")
	d.send(alt(runes("q")))
	if !d.quit {
		t.Fatalf("esc q on the help did not quit:\n%s", d.view())
	}

	d = newDriver(t, tDemoStore(t), 100, 30)
	d.press("/", "ali")
	d.send(alt(runes("2"))) // esc clears the search, 2 opens Keys
	d.mustSee("[2 Keys]")
	d.press("1")
	d.mustNotSee("/ ali")

	d.press("/", "ali")
	d.send(alt(tea.KeyMsg{Type: tea.KeyEsc})) // esc twice: the search is gone, nothing else
	d.mustSee("[1 Employees]", "40 of 40")
}

// In the wizard: esc and the next key in one read leave the wizard, and
// the key goes to the screen behind, as when typed one by one.
func TestEscAndAKeyTogetherLeaveTheWizard(t *testing.T) {
	d := newDriver(t, tDemoStore(t), 100, 30)
	d.press("n")
	d.mustSee("Who is the new employee?")
	d.send(alt(runes("2")))
	if d.app.wizard != nil {
		t.Fatalf("the wizard is still open:\n%s", d.view())
	}
	d.mustSee("[2 Keys]")

	d.press("1", "n", "Zoe")
	d.send(alt(runes("y"))) // esc asks whether to drop "Zoe"; y drops it
	if d.app.wizard != nil {
		t.Fatalf("the wizard is still open:\n%s", d.view())
	}
	d.mustSee("[1 Employees]")
}

func TestSplitKeys(t *testing.T) {
	for _, c := range []struct {
		in   tea.KeyMsg
		want string // the keys, by name; "" for one ordinary key
	}{
		{runes("q"), ""},
		{tea.KeyMsg{Type: tea.KeyEnter}, ""},
		{runes("/ab"), "/ a b"},
		{tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("ST1001"), Paste: true}, ""},
		{alt(runes("q")), "esc q"},
		{alt(tea.KeyMsg{Type: tea.KeyEsc}), "esc esc"},
		{alt(tea.KeyMsg{Type: tea.KeyEnter}), "esc enter"},
		{alt(tea.KeyMsg{Type: tea.KeyUp}), "esc up"},
		{alt(tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}), "esc  "},
	} {
		var names []string
		for _, k := range splitKeys(c.in) {
			names = append(names, k.String())
		}
		if got := strings.Join(names, " "); got != c.want {
			t.Errorf("%q split as %q, want %q", c.in.String(), got, c.want)
		}
	}
}

// The rule "an alt key is esc, then the key" holds because keydesk binds
// no alt key: neither the global keys nor any screen's.
func TestNoKeyIsBoundWithAlt(t *testing.T) {
	d := newDriver(t, tDemoStore(t), 100, 30)
	bindings := d.app.keys.all([]int{tabCall, tabEmployees, tabKeys, tabAudit, tabSettings})
	for _, s := range d.app.screens {
		for _, group := range s.FullHelp() {
			bindings = append(bindings, group...)
		}
		bindings = append(bindings, s.ShortHelp()...)
	}
	if len(bindings) < 20 {
		t.Fatalf("only %d bindings found", len(bindings))
	}
	for _, b := range bindings {
		for _, k := range b.Keys() {
			if strings.Contains(k, "alt+") {
				t.Errorf("%q (%s) is bound with alt", k, b.Help().Desc)
			}
		}
	}
}
