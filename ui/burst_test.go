package ui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/model"
)

// Keys that arrive in one read (a slow SSH link, fast typing) come as one
// message; each must still act as if typed alone.
func TestKeysArrivingTogetherActOneByOne(t *testing.T) {
	st := tDemoStore(t)
	k := keyIn(t, st, model.Active)
	d := newDriver(t, st, 100, 30)
	d.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("2/" + k.Serial)})
	d.mustSee("[2 Keys]", "1 of 40", k.Serial)
}

func TestAPasteStaysWhole(t *testing.T) {
	if splitBurst(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("ST1001"), Paste: true}) != nil {
		t.Error("a paste was split into keys")
	}
	if splitBurst(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")}) != nil {
		t.Error("a single key was treated as a burst")
	}
	if got := splitBurst(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("/ab")}); len(got) != 3 || got[0].String() != "/" {
		t.Errorf("burst split as %v", got)
	}
}
