// Package table draws a list of any length by rendering only the rows
// that fit on screen: the cost of a frame depends on the terminal's
// height, never on the number of rows.
package table

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/styles"
)

// Column describes one column. When the columns' Want widths do not
// fit, those with a higher Drop are dropped first; the rest get their Min
// and share the spare width by Flex, up to their Max.
type Column struct {
	Title string
	Min   int // narrowest useful width
	Want  int // width it should have before another column is shown (0: Min)
	Max   int // widest useful width (0: no limit)
	Flex  int // share of the spare width
	Drop  int // 0: never dropped
}

func (c Column) want() int { return max(c.Want, c.Min) }

// Cell is the text of one cell and, optionally, its style.
type Cell struct {
	Text  string
	Style *lipgloss.Style
}

// Rows gives the cells of row i (0 <= i < count).
type Rows func(i int) []Cell

// marker shows the cursor without colour (NO_COLOR, ASCII terminals).
const marker = "> "

// Model is a cursor over rows with the layout of their columns.
type Model struct {
	Columns []Column
	Empty   string // shown when there are no rows

	count          int
	cursor, offset int
	mustShow       int // 1 + the column kept whatever its Drop (the sorted-by one); 0: none
	width, height  int
	widths         []int // one per column; 0 = dropped
}

// MustShow keeps column i at every width (the one the rows are sorted
// by: an order must be seen); -1 for none.
func (m *Model) MustShow(i int) {
	if m.mustShow != i+1 {
		m.mustShow = i + 1
		m.layout()
	}
}

// SetSize sets the space for the header and the rows.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	m.layout()
	m.clamp()
}

// SetCount tells how many rows there are; the cursor stays in range.
func (m *Model) SetCount(n int) {
	m.count = n
	m.clamp()
}

// Count is the number of rows.
func (m *Model) Count() int { return m.count }

// ColumnWidth is the width given to column i (0 when it was dropped).
func (m *Model) ColumnWidth(i int) int {
	if i < len(m.widths) {
		return m.widths[i]
	}
	return 0
}

// Cursor is the row under the cursor (0 when there are none).
func (m *Model) Cursor() int { return m.cursor }

// SetCursor moves the cursor to row i.
func (m *Model) SetCursor(i int) {
	m.cursor = i
	m.clamp()
}

// ScreenRow is where the cursor is on screen: its row under the header.
func (m *Model) ScreenRow() int { return m.cursor - m.offset }

// SetCursorAt moves the cursor to row i, drawn at screen row row where
// the rows allow it: after a re-sort the record under the cursor stays
// where the eye was, with the rows that now come before it above it.
func (m *Model) SetCursorAt(i, row int) {
	m.SetCursor(i)
	// Never scrolled further than moving the cursor alone would: new rows
	// above a record that stayed put are shown, not pushed off.
	m.offset = min(m.offset, i-row)
	m.clamp()
}

// pageRows is how many rows fit under the header.
func (m *Model) pageRows() int { return max(m.height-1, 1) }

// PageRows is how many rows one screen of the table shows.
func (m *Model) PageRows() int { return m.pageRows() }

// Move handles the list keys; it reports whether the key was one.
func (m *Model) Move(msg tea.KeyMsg, k *common.ListKeys) bool {
	switch {
	case key.Matches(msg, k.Up):
		m.cursor--
	case key.Matches(msg, k.Down):
		m.cursor++
	case key.Matches(msg, k.PageUp):
		m.cursor -= m.pageRows()
		m.offset -= m.pageRows()
	case key.Matches(msg, k.PageDown):
		m.cursor += m.pageRows()
		m.offset += m.pageRows()
	case key.Matches(msg, k.Top):
		m.cursor = 0
	case key.Matches(msg, k.Bottom):
		m.cursor = m.count - 1
	default:
		return false
	}
	m.clamp()
	return true
}

func (m *Model) clamp() {
	m.cursor = min(max(m.cursor, 0), max(m.count-1, 0))
	page := m.pageRows()
	m.offset = min(max(m.offset, 0), max(m.count-page, 0))
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+page {
		m.offset = m.cursor - page + 1
	}
}

// layout gives each column its width: minimums first, dropping columns
// that do not fit, then the spare width by Flex.
func (m *Model) layout() {
	m.widths = make([]int, len(m.Columns))
	avail := m.width - len(marker)
	keep := make([]bool, len(m.Columns))
	for i := range keep {
		keep[i] = true
	}
	// need is the width of the kept columns with one space between.
	need := func(width func(Column) int) int {
		n := -1
		for i, c := range m.Columns {
			if keep[i] {
				n += width(c) + 1
			}
		}
		return n
	}
	minWidth := func(c Column) int { return c.Min }
	for need(Column.want) > avail {
		drop, worst := -1, 0
		for i, c := range m.Columns {
			if keep[i] && c.Drop > worst && i != m.mustShow-1 {
				drop, worst = i, c.Drop
			}
		}
		if drop < 0 {
			break
		}
		keep[drop] = false
	}
	spare := avail - need(minWidth)
	flex := 0
	for i, c := range m.Columns {
		if keep[i] {
			m.widths[i] = c.Min
			flex += c.Flex
		}
	}
	// Hand out the spare width; columns that reach their Max give back.
	for spare > 0 && flex > 0 {
		given := 0
		share := spare
		nextFlex := 0
		for i, c := range m.Columns {
			if !keep[i] || c.Flex == 0 || (c.Max > 0 && m.widths[i] >= c.Max) {
				continue
			}
			add := max(share*c.Flex/flex, 1)
			if c.Max > 0 {
				add = min(add, c.Max-m.widths[i])
			}
			add = min(add, spare-given)
			m.widths[i] += add
			given += add
			if c.Max == 0 || m.widths[i] < c.Max {
				nextFlex += c.Flex
			}
		}
		spare -= given
		flex = nextFlex
		if given == 0 {
			break
		}
	}
}

// View draws the header and the visible rows, exactly height lines.
func (m *Model) View(st *styles.Styles, rows Rows) string {
	var b strings.Builder
	header := make([]string, 0, len(m.Columns))
	for i, c := range m.Columns {
		if m.widths[i] > 0 {
			header = append(header, fit(c.Title, m.widths[i]))
		}
	}
	b.WriteString(st.TableHeader.Render(fit(strings.Repeat(" ", len(marker))+strings.Join(header, " "), m.width)))
	lines := 1
	if m.count == 0 && m.Empty != "" {
		b.WriteString("\n" + st.Subtle.Render(fit(strings.Repeat(" ", len(marker))+m.Empty, m.width)))
		lines++
	}
	end := min(m.offset+m.pageRows(), m.count)
	for i := m.offset; i < end; i++ {
		b.WriteString("\n")
		b.WriteString(m.row(st, i, rows(i)))
		lines++
	}
	for ; lines < m.height; lines++ {
		b.WriteString("\n")
	}
	return b.String()
}

func (m *Model) row(st *styles.Styles, i int, cells []Cell) string {
	selected := i == m.cursor
	parts := make([]string, 0, len(m.Columns))
	for c := range m.Columns {
		if m.widths[c] == 0 {
			continue
		}
		var cell Cell
		if c < len(cells) {
			cell = cells[c]
		}
		text := fit(cell.Text, m.widths[c])
		if cell.Style != nil && !selected {
			text = cell.Style.Render(text)
		}
		parts = append(parts, text)
	}
	line := strings.Join(parts, " ")
	if selected {
		return st.Selected.Render(fit(marker+line, m.width))
	}
	return "  " + line
}

// fit cuts or pads text to exactly width columns.
func fit(text string, width int) string {
	if width <= 0 {
		return ""
	}
	w := ansi.StringWidth(text)
	if w > width {
		text = ansi.Truncate(text, width, "…")
		w = ansi.StringWidth(text)
	}
	return text + strings.Repeat(" ", width-w)
}

// Fit is fit for other screens' one-line texts.
func Fit(text string, width int) string { return fit(text, width) }

// FitBlock makes text exactly height lines of at most width columns, so
// that a screen that draws too much can never push the footer away.
func FitBlock(text string, width, height int) string {
	lines := strings.Split(text, "\n")
	if len(lines) > height {
		lines = lines[:height]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > width {
			lines[i] = fit(l, width)
		}
	}
	for len(lines) < height {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}
