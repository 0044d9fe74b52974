package table

import (
	"fmt"
	"io"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/styles"
	"github.com/muesli/termenv"
)

func asciiStyles() *styles.Styles {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	return styles.New(r)
}

func testTable(width, height, count int) *Model {
	m := &Model{Columns: []Column{
		{Title: "Name", Min: 10, Flex: 2},
		{Title: "Mail", Min: 10, Flex: 1},
		{Title: "Extra", Min: 8, Drop: 1},
	}}
	m.SetSize(width, height)
	m.SetCount(count)
	return m
}

func TestLayoutDropsColumnsThatDoNotFit(t *testing.T) {
	wide := testTable(80, 10, 0)
	if wide.ColumnWidth(2) == 0 {
		t.Fatal("dropped a column at 80 columns")
	}
	total := len(marker)
	for i := range wide.Columns {
		total += wide.ColumnWidth(i) + 1
	}
	if total-1 != 80 {
		t.Errorf("columns fill %d of 80", total-1)
	}
	narrow := testTable(28, 10, 0)
	if narrow.ColumnWidth(2) != 0 || narrow.ColumnWidth(0) < 10 || narrow.ColumnWidth(1) < 10 {
		t.Errorf("at 28: widths %d %d %d", narrow.ColumnWidth(0), narrow.ColumnWidth(1), narrow.ColumnWidth(2))
	}
}

func TestLayoutDropsByWantBeforeSqueezing(t *testing.T) {
	m := &Model{Columns: []Column{
		{Title: "A", Min: 10, Want: 20, Flex: 1},
		{Title: "B", Min: 10, Want: 20, Flex: 1},
		{Title: "C", Min: 10, Drop: 1},
	}}
	m.SetSize(2+20+1+20+1+10-1, 5) // one column short of every Want
	if m.ColumnWidth(2) != 0 {
		t.Fatalf("C kept: widths %v", m.widths)
	}
	if m.ColumnWidth(0)+1+m.ColumnWidth(1) != 53-len(marker) {
		t.Fatalf("spare width not handed out: %v", m.widths)
	}
}

func TestViewDrawsOnlyTheVisibleRows(t *testing.T) {
	m := testTable(40, 6, 1_000_000)
	asked := 0
	out := m.View(asciiStyles(), func(i int) []Cell {
		asked++
		return []Cell{{Text: fmt.Sprintf("row %d", i)}, {Text: "a very long e-mail address that is cut"}}
	})
	lines := strings.Split(out, "\n")
	if len(lines) != 6 || asked != 5 {
		t.Fatalf("%d lines, %d rows asked for", len(lines), asked)
	}
	if !strings.HasPrefix(lines[1], "> row 0") || !strings.Contains(lines[1], "…") {
		t.Errorf("first row %q", lines[1])
	}
	for _, l := range lines {
		if lipgloss.Width(l) > 40 {
			t.Errorf("line wider than 40: %q", l)
		}
	}
}

func TestCursorMoves(t *testing.T) {
	keys := common.DefaultListKeys()
	press := func(m *Model, k tea.KeyMsg) { m.Move(k, keys) }
	m := testTable(40, 6, 100) // 5 rows a page
	press(m, tea.KeyMsg{Type: tea.KeyPgDown})
	if m.Cursor() != 5 {
		t.Errorf("pgdown: cursor %d", m.Cursor())
	}
	press(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'G'}})
	if m.Cursor() != 99 || m.offset != 95 {
		t.Errorf("G: cursor %d offset %d", m.Cursor(), m.offset)
	}
	press(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'j'}})
	if m.Cursor() != 99 {
		t.Errorf("j past the end: %d", m.Cursor())
	}
	press(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'g'}})
	press(m, tea.KeyMsg{Type: tea.KeyUp})
	if m.Cursor() != 0 || m.offset != 0 {
		t.Errorf("up at the top: cursor %d offset %d", m.Cursor(), m.offset)
	}
	m.SetCount(3)
	m.SetCursor(10)
	if m.Cursor() != 2 {
		t.Errorf("cursor past a shrunk list: %d", m.Cursor())
	}
	m.SetCount(0)
	if m.Cursor() != 0 {
		t.Errorf("cursor in an empty list: %d", m.Cursor())
	}
}

func TestFit(t *testing.T) {
	for _, c := range []struct {
		in   string
		w    int
		want string
	}{{"abc", 5, "abc  "}, {"abcdef", 4, "abc…"}, {"日本語", 4, "日… "}, {"x", 0, ""}} {
		if got := Fit(c.in, c.w); got != c.want {
			t.Errorf("Fit(%q, %d) = %q, want %q", c.in, c.w, got, c.want)
		}
	}
}
