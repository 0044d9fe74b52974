// Package rowlist is what the Employees and Keys lists share: a table of
// some of the index's rows under a title line with a `/` search, a cursor
// that stays on the same record when the rows change, and the keys that
// move and search. The screen says which rows are shown, in what order,
// and how each is drawn.
package rowlist

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/searchbar"
	"github.com/keydesk/keydesk/ui/component/styles"
	"github.com/keydesk/keydesk/ui/component/table"
)

// Model lists rows of R, the index's records (data.EmployeeRow,
// data.KeyRow).
type Model[R any] struct {
	Table  table.Model
	Search searchbar.Model

	id    func(*R) uint64
	all   []R     // every row of the index
	shown []int32 // the positions in all of the rows shown, in order
}

// New builds an empty list; id is a row's record id.
func New[R any](st *styles.Styles, id func(*R) uint64, columns ...table.Column) Model[R] {
	m := Model[R]{Search: searchbar.New(st), id: id}
	m.Table.Columns = columns
	m.Table.Empty = "loading…" // until the first index
	return m
}

// SetSize sets the space for the title line and the table.
func (m *Model[R]) SetSize(width, height int) { m.Table.SetSize(width, height-1) }

// Show shows the rows of all at the positions in shown, in that order.
func (m *Model[R]) Show(all []R, shown []int32) {
	m.all, m.shown = all, shown
	m.Table.SetCount(len(shown))
}

// Len is the number of rows shown.
func (m *Model[R]) Len() int { return len(m.shown) }

// Selected is the row under the cursor.
func (m *Model[R]) Selected() (*R, bool) {
	if len(m.shown) == 0 {
		return nil, false
	}
	return &m.all[m.shown[m.Table.Cursor()]], true
}

// Row is the i-th row shown.
func (m *Model[R]) Row(i int) (*R, bool) {
	if i < 0 || i >= len(m.shown) {
		return nil, false
	}
	return &m.all[m.shown[i]], true
}

// SelectID puts the cursor on a record, if shown. The record is looked
// for around the cursor first: after a write, or a search cleared, it
// has moved by a few rows at most, and a list of a million rows is not
// read through for every write in every session.
func (m *Model[R]) SelectID(id uint64) bool {
	at := min(m.Table.Cursor(), len(m.shown)-1)
	for d := 0; d <= nearRows && at >= 0; d++ {
		for _, pos := range [2]int{at - d, at + d} {
			if pos >= 0 && pos < len(m.shown) && m.id(&m.all[m.shown[pos]]) == id {
				m.Table.SetCursor(pos)
				return true
			}
		}
	}
	for pos, i := range m.shown {
		if m.id(&m.all[i]) == id {
			m.Table.SetCursor(pos)
			return true
		}
	}
	return false
}

// nearRows is how far around the cursor SelectID looks first.
const nearRows = 64

// KeepSelection runs change, which shows other rows (new data, another
// order), and puts the cursor back on the record it was on.
func (m *Model[R]) KeepSelection(change func()) {
	keep, had := m.Selected()
	var id uint64
	if had {
		id = m.id(keep)
	}
	row := m.Table.ScreenRow()
	change()
	if had && m.SelectID(id) {
		m.Table.SetCursorAt(m.Table.Cursor(), row)
	}
}

// Update handles the keys every list shares: while the search line is
// open it takes every key; otherwise the moving keys, `/` and esc.
// refilter shows the rows for a new query. handled is false for the
// keys it leaves to the screen.
func (m *Model[R]) Update(msg tea.KeyMsg, keys *common.ListKeys, refilter func()) (handled bool, cmd tea.Cmd) {
	if m.Search.Typing() {
		if searchbar.Scrolls(msg) {
			m.Table.Move(msg, keys)
			return true, nil
		}
		changed, cmd := m.Search.Update(msg)
		if changed {
			refilter()
			m.Table.SetCursor(0)
		}
		return true, cmd
	}
	switch {
	case m.Table.Move(msg, keys):
		return true, nil
	case key.Matches(msg, keys.Search):
		return true, m.Search.Open()
	case key.Matches(msg, keys.Back):
		// Clearing the search brings every row back; the cursor stays on
		// the record it was on, not on the same row number.
		m.KeepSelection(func() {
			if m.Search.Clear() {
				refilter()
			}
		})
		return true, nil
	}
	return false, nil
}

// View draws the title line (title, then info, then the search) over the
// table; cells gives a shown row's cells.
func (m *Model[R]) View(st *styles.Styles, width int, title, info string, cells func(*R) []table.Cell) string {
	left := st.Title.Render(title) + "  " + st.Subtle.Render(info)
	body := m.Table.View(st, func(i int) []table.Cell { return cells(&m.all[m.shown[i]]) })
	return m.Search.TitleLine(left, width) + "\n" + body
}

// Filtered is a list with a filter and orders of the screen's own (the
// Keys and Employees lists).
type Filtered interface {
	Refilter() // shows the rows for the query, filter and order now
	FilterOn() bool
	ClearFilter() // drops the filter (Refilter shows the rows)
	NextSort()    // takes the next order (Refilter shows the rows)
}

// UpdateFiltered is Update for a Filtered list: esc with no search to
// clear clears the filter (one esc, one thing), and the sort key shows
// the next order; the cursor stays on its record.
func (m *Model[R]) UpdateFiltered(msg tea.KeyMsg, keys *common.ListKeys, l Filtered) (handled bool, cmd tea.Cmd) {
	if !m.Search.Typing() && m.Search.Query() == "" && l.FilterOn() && key.Matches(msg, keys.Back) {
		m.ChangeFilter(func() {
			l.ClearFilter()
			l.Refilter()
		})
		return true, nil
	}
	if handled, cmd := m.Update(msg, keys, l.Refilter); handled {
		return true, cmd
	}
	if key.Matches(msg, keys.Sort) {
		m.KeepSelection(func() {
			l.NextSort()
			l.Refilter()
		})
		return true, nil
	}
	return false, nil
}

// ChangeFilter runs change, which shows the rows of another filter, and
// keeps the cursor on its record, or puts it on the first row when the
// filter hides the record.
func (m *Model[R]) ChangeFilter(change func()) {
	m.KeepSelection(change)
	if _, ok := m.Selected(); !ok {
		m.Table.SetCursor(0)
	}
}
