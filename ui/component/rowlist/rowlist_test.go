package rowlist

import (
	"io"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/styles"
	"github.com/keydesk/keydesk/ui/component/table"
	"github.com/muesli/termenv"
)

type row struct{ id uint64 }

func testList() *Model[row] {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	m := New(styles.New(r), func(r *row) uint64 { return r.id }, table.Column{Title: "ID", Min: 4})
	m.SetSize(40, 10)
	return &m
}

func keyPress(s string) tea.KeyMsg {
	switch s {
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

func TestKeepSelectionFollowsTheRecord(t *testing.T) {
	m := testList()
	all := []row{{10}, {20}, {30}}
	m.Show(all, []int32{0, 1, 2})
	m.SelectID(20)
	m.KeepSelection(func() { m.Show(all, []int32{2, 1, 0}) })
	if r, ok := m.Selected(); !ok || r.id != 20 {
		t.Fatalf("after a new order the cursor is on %v, want 20", r)
	}
	if m.Table.Cursor() != 1 {
		t.Fatalf("cursor = %d, want 1", m.Table.Cursor())
	}
}

func TestSearchLineTakesKeysButTheArrows(t *testing.T) {
	m := testList()
	m.Show([]row{{1}, {2}, {3}}, []int32{0, 1, 2})
	keys := common.DefaultListKeys()
	refilters := 0
	refilter := func() { refilters++ }

	m.Update(keyPress("/"), keys, refilter)
	if !m.Search.Typing() {
		t.Fatal("/ did not open the search line")
	}
	if handled, _ := m.Update(keyPress("j"), keys, refilter); !handled || m.Search.Query() != "j" || refilters != 1 {
		t.Fatalf("j while typing: handled %v, query %q, %d refilters", handled, m.Search.Query(), refilters)
	}
	if m.Table.Cursor() != 0 {
		t.Fatal("a typed j moved the cursor")
	}
	m.Update(keyPress("down"), keys, refilter)
	if m.Table.Cursor() != 1 || m.Search.Query() != "j" {
		t.Fatalf("down while typing: cursor %d, query %q", m.Table.Cursor(), m.Search.Query())
	}
	m.Update(keyPress("enter"), keys, refilter) // keeps the search, closes the line
	if m.Search.Typing() {
		t.Fatal("enter left the line open")
	}
	if handled, _ := m.Update(keyPress("esc"), keys, refilter); !handled || m.Search.Query() != "" || refilters != 2 {
		t.Fatalf("esc: handled %v, query %q, %d refilters", handled, m.Search.Query(), refilters)
	}
	if handled, _ := m.Update(keyPress("x"), keys, refilter); handled {
		t.Fatal("a screen's key was taken by the list")
	}
}

func TestClearingTheSearchKeepsTheRecord(t *testing.T) {
	m := testList()
	all := []row{{10}, {20}, {30}}
	m.Show(all, []int32{0, 1, 2})
	keys := common.DefaultListKeys()
	refilter := func() {
		if m.Search.Query() == "" {
			m.Show(all, []int32{0, 1, 2})
		} else {
			m.Show(all, []int32{2}) // the search finds 30 only
		}
	}
	m.Update(keyPress("/"), keys, refilter)
	m.Update(keyPress("3"), keys, refilter)
	m.Update(keyPress("enter"), keys, refilter)
	m.Update(keyPress("esc"), keys, refilter)
	if r, ok := m.Selected(); !ok || r.id != 30 {
		t.Fatalf("after esc the cursor is on %v, want 30", r)
	}
}
