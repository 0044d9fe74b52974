package employees

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/dustin/go-humanize"
	"github.com/keydesk/keydesk/ui/common"
	"github.com/keydesk/keydesk/ui/data"
	"github.com/keydesk/keydesk/ui/searchbar"
	"github.com/keydesk/keydesk/ui/table"
)

// list is the table of employees with its search and sort.
type list struct {
	c      *common.Common
	idx    *data.Index
	table  table.Model
	search searchbar.Model
	sort   data.EmployeeSort
	rows   []int32

	// lastPending: G was pressed on a first page, which does not hold
	// the last employee; the cursor goes there when the whole list comes.
	lastPending bool
}

func newList(c *common.Common) list {
	l := list{c: c, search: searchbar.New(c.Styles)}
	l.table.Columns = []table.Column{
		{Title: "Name", Min: 14, Flex: 3},
		{Title: "E-mail", Min: 18, Flex: 3},
		{Title: "Department", Min: 10, Max: 20, Flex: 1, Drop: 2},
		{Title: "Position", Min: 12, Max: 24, Flex: 1, Drop: 3},
		{Title: "Key", Min: 16, Max: 20, Drop: 1},
		{Title: "Status", Min: 11, Max: 11},
	}
	l.table.Empty = "loading…"
	return l
}

func (l *list) setSize(width, height int) {
	l.table.SetSize(width, height-1) // the title line
}

// setIndex shows new data, keeping the cursor on the same employee.
func (l *list) setIndex(idx *data.Index) {
	keep, had := l.selected()
	var id uint64
	if had {
		id = keep.ID()
	}
	l.idx = idx
	l.refilter()
	if had {
		l.selectID(id)
	}
	if l.lastPending && !idx.Partial() {
		l.table.SetCursor(len(l.rows) - 1)
		l.lastPending = false
	}
}

func (l *list) refilter() {
	if l.idx == nil {
		return
	}
	if l.waitsForAll() {
		l.rows = nil
		l.table.Empty = "loading all employees…"
		l.table.SetCount(0)
		return
	}
	l.table.Empty = "no employees"
	q := l.search.Query()
	var keep func(int32) bool
	if hit := l.idx.EmployeesMatching(q); hit != nil {
		keep = func(i int32) bool { return hit[i] }
	}
	l.rows = data.Filter(l.idx.EmployeeOrder(l.sort), keep)
	l.table.SetCount(len(l.rows))
}

// waitsForAll reports a search or an order asked of a preview: the
// first page cannot answer them, so the list shows none of it until the
// whole index arrives (and then shows the answer).
func (l *list) waitsForAll() bool {
	return l.idx.Partial() && (l.search.Query() != "" || l.sort != data.EmployeesByName)
}

func (l *list) selected() (*data.EmployeeRow, bool) {
	if l.idx == nil || len(l.rows) == 0 {
		return nil, false
	}
	return &l.idx.Employees[l.rows[l.table.Cursor()]], true
}

// selectID puts the cursor on an employee, if shown.
func (l *list) selectID(id uint64) bool {
	for pos, i := range l.rows {
		if l.idx.Employees[i].ID() == id {
			l.table.SetCursor(pos)
			return true
		}
	}
	return false
}

// update handles the list's own keys; handled is false for keys it does
// not know (the screen's actions).
func (l *list) update(msg tea.KeyMsg) (handled bool, cmd tea.Cmd) {
	keys := l.c.Keys
	l.lastPending = false // any other key changes what the admin asked for
	if l.search.Typing() {
		// Arrows move the list while typing: they cannot be typed.
		if msg.Type == tea.KeyUp || msg.Type == tea.KeyDown || msg.Type == tea.KeyPgUp || msg.Type == tea.KeyPgDown {
			l.table.Move(msg, keys)
			return true, nil
		}
		changed, cmd := l.search.Update(msg)
		if changed {
			l.refilter()
			l.table.SetCursor(0)
		}
		return true, cmd
	}
	switch {
	case l.table.Move(msg, keys):
		l.lastPending = key.Matches(msg, keys.Bottom) && l.idx != nil && l.idx.Partial()
		return true, nil
	case key.Matches(msg, keys.Search):
		return true, l.search.Open()
	case key.Matches(msg, keys.Back):
		if l.search.Clear() {
			l.refilter()
		}
		return true, nil
	case key.Matches(msg, keys.Sort):
		keep, had := l.selected()
		l.sort = data.EmployeeSorts[(int(l.sort)+1)%len(data.EmployeeSorts)]
		l.refilter()
		if had {
			l.selectID(keep.ID())
		}
		return true, nil
	}
	return false, nil
}

func (l *list) view() string {
	st := l.c.Styles
	w := l.c.Width
	title := st.Title.Render("Employees")
	left := title + "  " + st.Subtle.Render(l.info())
	right := l.search.View(max(w/3, 20))
	line := table.Fit(left, max(w-lipgloss.Width(right)-1, 0)) + " " + right
	body := l.table.View(st, func(i int) []table.Cell {
		e := &l.idx.Employees[l.rows[i]]
		status := table.Cell{}
		if e.KeyStatus() != 0 {
			s := st.Status(e.KeyStatus())
			status = table.Cell{Text: e.KeyStatus().String(), Style: &s}
		}
		return []table.Cell{{Text: e.Name()}, {Text: e.Email()}, {Text: e.Department()}, {Text: e.Position()}, {Text: e.KeySerial()}, status}
	})
	return table.Fit(line, w) + "\n" + body
}

// info is the title's summary: how many are shown, in what order.
func (l *list) info() string {
	switch {
	case l.idx == nil:
		return "loading…"
	case l.waitsForAll():
		return fmt.Sprintf("sorted by %s · loading all employees…", l.sort)
	case l.idx.Partial():
		return fmt.Sprintf("first %s · sorted by %s · loading all employees…", humanize.Comma(int64(len(l.rows))), l.sort)
	}
	return fmt.Sprintf("%s of %s · sorted by %s", humanize.Comma(int64(len(l.rows))), humanize.Comma(int64(len(l.idx.Employees))), l.sort)
}
