package dialog

import (
	"errors"
	"io"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/keydesk/keydesk/ui/component/styles"
	"github.com/keydesk/keydesk/ui/component/table"
	"github.com/muesli/termenv"
)

func asciiStyles() *styles.Styles {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	return styles.New(r)
}

func keys(s string) []tea.Msg {
	var out []tea.Msg
	for _, r := range s {
		out = append(out, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	return out
}

var (
	enter = tea.KeyMsg{Type: tea.KeyEnter}
	esc   = tea.KeyMsg{Type: tea.KeyEsc}
	tab   = tea.KeyMsg{Type: tea.KeyTab}
	right = tea.KeyMsg{Type: tea.KeyRight}
)

type submitted struct{ values Values }

func TestFormSubmitsItsValues(t *testing.T) {
	var got Values
	f := NewForm(asciiStyles(), "Remove key K1?", "remove", func(v Values) tea.Cmd {
		got = v
		return func() tea.Msg { return submitted{v} }
	}).WithChoice(&Choice{Key: "reason", Label: "Reason", Options: []string{"withdrawal", "broken"}}).
		WithInput(&Input{Key: "note", Label: "Note"})
	f.Init()
	f.SetSize(80, 20)
	for _, m := range append([]tea.Msg{right, tab}, keys("  cracked ")...) {
		if done, _ := f.Update(m); done {
			t.Fatal("closed before enter")
		}
	}
	done, cmd := f.Update(enter)
	if !done || cmd == nil {
		t.Fatal("enter did not submit")
	}
	if got["reason"] != "broken" || got["note"] != "cracked" {
		t.Fatalf("values %v", got)
	}
}

func TestFormKeepsFocusOnAFieldThatIsWrong(t *testing.T) {
	calls := 0
	f := NewForm(asciiStyles(), "Mark compromised?", "mark", func(Values) tea.Cmd { calls++; return nil }).
		WithInput(&Input{Key: "confirm", Label: "Serial", Validate: func(s string) error {
			if s != "K1" {
				return errors.New("type the serial K1 to confirm")
			}
			return nil
		}})
	f.Init()
	f.SetSize(60, 20)
	for _, m := range keys("K2") {
		f.Update(m)
	}
	if done, _ := f.Update(enter); done || calls != 0 {
		t.Fatal("submitted with a wrong serial")
	}
	if !strings.Contains(f.View(), "type the serial K1 to confirm") {
		t.Fatalf("no message at the field:\n%s", f.View())
	}
	f.Update(tea.KeyMsg{Type: tea.KeyBackspace})
	for _, m := range keys("1") {
		f.Update(m)
	}
	if done, _ := f.Update(enter); !done || calls != 1 {
		t.Fatal("not submitted with the right serial")
	}
}

func TestConfirmWithoutFieldsTakesYAndN(t *testing.T) {
	calls := 0
	mk := func() *Form {
		return NewForm(asciiStyles(), "Wiped?", "mark wiped", func(Values) tea.Cmd { calls++; return nil })
	}
	if done, _ := mk().Update(keys("n")[0]); !done || calls != 0 {
		t.Fatal("n did not cancel")
	}
	if done, _ := mk().Update(esc); !done || calls != 0 {
		t.Fatal("esc did not cancel")
	}
	if done, _ := mk().Update(keys("y")[0]); !done || calls != 1 {
		t.Fatal("y did not confirm")
	}
	if done, _ := mk().Update(keys("x")[0]); done {
		t.Fatal("another key closed the dialog")
	}
}

func TestPickerSearchesAndPicks(t *testing.T) {
	names := []string{"ada lovelace", "alan turing", "grace hopper"}
	src := PickerSource{
		Columns: []table.Column{{Title: "Name", Min: 10, Flex: 1}},
		Noun:    "people",
		Search: func(q string) []int32 {
			var out []int32
			for i, n := range names {
				if strings.Contains(n, q) {
					out = append(out, int32(i))
				}
			}
			return out
		},
		Cells: func(i int32) []table.Cell { return []table.Cell{{Text: names[i]}} },
	}
	picked := int32(-1)
	p := NewPicker(asciiStyles(), "Pick", src, func(i int32) tea.Cmd { picked = i; return nil })
	p.Init()
	p.SetSize(60, 20)
	if !strings.Contains(p.View(), "3 people") {
		t.Fatalf("view:\n%s", p.View())
	}
	for _, m := range keys("TUR") { // typed in any case; j/k are letters here
		p.Update(m)
	}
	if !strings.Contains(p.View(), "1 people") || strings.Contains(p.View(), "grace") {
		t.Fatalf("search did not narrow:\n%s", p.View())
	}
	if done, _ := p.Update(enter); !done || picked != 1 {
		t.Fatalf("picked %d", picked)
	}
	p2 := NewPicker(asciiStyles(), "Pick", src, func(i int32) tea.Cmd { picked = i; return nil })
	p2.Init()
	for _, m := range keys("zzz") {
		p2.Update(m)
	}
	if done, _ := p2.Update(enter); done {
		t.Fatal("picked from an empty list")
	}
}

func TestMessageNeutralisesAndScrolls(t *testing.T) {
	lines := []string{"line 2: serial \x1b[2J bad"}
	for i := 3; i < 60; i++ {
		lines = append(lines, "line: problem")
	}
	m := NewMessage(asciiStyles(), "Nothing imported", lines, true)
	m.SetSize(80, 20)
	v := m.View()
	if strings.Contains(v, "\x1b[2J") || !strings.Contains(v, "␛[2J") {
		t.Fatalf("escape not neutralised:\n%s", v)
	}
	if !strings.Contains(v, "lines 1-") {
		t.Fatalf("no scroll position:\n%s", v)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyPgDown})
	if strings.Contains(m.View(), "lines 1-") {
		t.Fatal("pgdown did not scroll")
	}
	if done, _ := m.Update(esc); !done {
		t.Fatal("esc did not close")
	}
}
