package common

import (
	"errors"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/lipgloss"
	"github.com/keydesk/keydesk/ui/component/styles"
	"github.com/muesli/termenv"
)

func tScreenForm(t *testing.T, first, second *string, saved *bool) *ScreenForm {
	t.Helper()
	r := lipgloss.NewRenderer(nil)
	r.SetColorProfile(termenv.Ascii)
	group := huh.NewGroup(
		huh.NewInput().Key("first").Title("First").Value(first).Validate(func(s string) error {
			if s == "" {
				return errors.New("first is required")
			}
			return nil
		}),
		huh.NewInput().Key("second").Title("Second").Value(second),
	)
	f := NewScreenForm(styles.New(r), group, 80, 24, func() tea.Cmd { *saved = true; return nil })
	f.Init()
	return f
}

func tKeys(f *ScreenForm, keys ...tea.KeyMsg) {
	for _, k := range keys {
		f.Update(k) // the commands the form returns are never run: as if the keys were queued before them
	}
}

var (
	tEnter = tea.KeyMsg{Type: tea.KeyEnter}
	tTab   = tea.KeyMsg{Type: tea.KeyShiftTab}
)

func tRunes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

// Keys typed ahead of the screen land in the field they were typed for:
// the move to the next field does not wait for a command to come back.
func TestScreenFormMovesBeforeTheNextKey(t *testing.T) {
	var first, second string
	saved := false
	f := tScreenForm(t, &first, &second, &saved)
	tKeys(f, tRunes("a"), tEnter, tRunes("b"))
	if first != "a" || second != "b" {
		t.Errorf("first %q, second %q; want a and b", first, second)
	}
	tKeys(f, tTab, tRunes("c"), tEnter, tRunes("d"))
	if first != "ac" || second != "bd" {
		t.Errorf("after shift+tab: first %q, second %q; want ac and bd", first, second)
	}
	tKeys(f, tEnter)
	if !saved {
		t.Error("enter on the last field did not save")
	}
}

// A field whose value fails its check keeps the focus, and the keys after.
func TestScreenFormKeepsAFieldThatDoesNotPass(t *testing.T) {
	var first, second string
	saved := false
	f := tScreenForm(t, &first, &second, &saved)
	tKeys(f, tEnter, tRunes("x"))
	if first != "x" || second != "" {
		t.Errorf("first %q, second %q; want x typed into the first, still focused", first, second)
	}
}
