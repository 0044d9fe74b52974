package employees

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/dustin/go-humanize"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/data"
	"github.com/keydesk/keydesk/ui/component/rowlist"
	"github.com/keydesk/keydesk/ui/component/table"
)

// list is the table of employees with its search, its filter by company
// and department, and its sort.
type list struct {
	rowlist.Model[data.EmployeeRow]
	c    *common.Common
	idx  *data.Index
	sort data.EmployeeSort
	// company and department keep the employees of one ("" and
	// !byCompany: any).
	company, department     string
	byCompany, byDepartment bool

	// lastPending: G was pressed on a first page, which does not hold
	// the last employee; the cursor goes there when the whole list comes.
	lastPending bool
}

func newList(c *common.Common) list {
	return list{c: c, Model: rowlist.New(c.Styles, (*data.EmployeeRow).ID,
		table.Column{Title: "Name", Min: 14, Want: 18, Flex: 3},
		table.Column{Title: "E-mail", Min: 18, Want: 20, Flex: 3},
		// The helpdesk finds callers by phone: on a wide screen.
		table.Column{Title: "Phone", Min: 16, Max: 20, Flex: 1, Drop: 5},
		table.Column{Title: "Department", Min: 10, Max: 20, Flex: 1, Drop: 2},
		table.Column{Title: "Position", Min: 12, Max: 24, Flex: 1, Drop: 4},
		table.Column{Title: "Company", Min: 12, Max: 24, Flex: 1, Drop: 3},
		table.Column{Title: "Key", Min: 16, Max: 20, Drop: 1},
		table.Column{Title: "Status", Min: 11, Max: 11},
	)}
}

// setIndex shows new data, keeping the cursor on the same employee.
func (l *list) setIndex(idx *data.Index) {
	l.KeepSelection(func() {
		l.idx = idx
		l.Refilter()
	})
	if l.lastPending && !idx.Partial() {
		l.Table.SetCursor(l.Len() - 1)
		l.lastPending = false
	}
}

func (l *list) Refilter() {
	if l.idx == nil {
		return
	}
	if l.waitsForAll() {
		l.Table.Empty = "loading all employees…"
		l.Show(l.idx.Employees, nil)
		return
	}
	l.Table.Empty = "no employees"
	if w := l.filterWords(); w != "" {
		l.Table.Empty = "no employees: the filter (" + w + ") hides the others — esc clears it"
	}
	emps := l.idx.Employees
	var keep func(int32) bool
	if l.byCompany || l.byDepartment {
		keep = func(i int32) bool {
			e := &emps[i]
			return (!l.byCompany || e.InCompany(l.company)) && (!l.byDepartment || e.InDepartment(l.department))
		}
	}
	// The search's best matches first (shared by the sessions), then the
	// session's own filter.
	l.Show(emps, data.Filter(l.idx.FindEmployees(l.Search.Query(), l.sort), keep))
}

// filterWords names the filter for the title line: "company Contoso ·
// department IT"; "" for none.
func (l *list) filterWords() string {
	var parts []string
	name := func(kind, v string) string {
		if v == "" {
			return "no " + kind
		}
		return kind + " " + model.Printable(v)
	}
	if l.byCompany {
		parts = append(parts, name("company", l.company))
	}
	if l.byDepartment {
		parts = append(parts, name("department", l.department))
	}
	return strings.Join(parts, " + ")
}

// waitsForAll reports a search or an order asked of a preview: the
// first page cannot answer them, so the list shows none of it until the
// whole index arrives (and then shows the answer).
func (l *list) waitsForAll() bool {
	return l.idx.Partial() && (l.Search.Query() != "" || l.sort != data.EmployeesByName)
}

// update handles the list's own keys; handled is false for keys it does
// not know (the screen's actions).
func (l *list) update(msg tea.KeyMsg) (handled bool, cmd tea.Cmd) {
	keys := l.c.ListKeys
	// G waits for the whole list on a first page; any other key changes
	// what the admin asked for.
	l.lastPending = !l.Search.Typing() && key.Matches(msg, keys.Bottom) && l.idx != nil && l.idx.Partial()
	return l.UpdateFiltered(msg, keys, l)
}

// FilterOn, ClearFilter and NextSort are the list's own filter and
// orders, for rowlist.UpdateFiltered.
func (l *list) FilterOn() bool { return l.byCompany || l.byDepartment }
func (l *list) ClearFilter()   { l.byCompany, l.byDepartment = false, false }
func (l *list) NextSort() {
	l.sort = data.EmployeeSorts[(int(l.sort)+1)%len(data.EmployeeSorts)]
}

func (l *list) view() string {
	st := l.c.Styles
	// The sorted-by column stays at every width.
	l.Table.MustShow(map[data.EmployeeSort]int{data.EmployeesByName: 0, data.EmployeesByEmail: 1, data.EmployeesByDepartment: 3, data.EmployeesByKeyStatus: 8}[l.sort])
	return l.View(st, l.c.Width, "Employees", l.info(), func(e *data.EmployeeRow) []table.Cell {
		status := table.Cell{}
		if e.KeyStatus() != 0 {
			s := st.Status(e.KeyStatus())
			status = table.Cell{Text: e.KeyStatus().String(), Style: &s}
		}
		return []table.Cell{{Text: e.Name()}, {Text: e.Email()}, {Text: e.Phone()}, {Text: e.Department()}, {Text: e.Position()}, {Text: e.Company()},
			{Text: e.KeySerial()}, status}
	})
}

// info is the title's summary: how many are shown, in what order.
func (l *list) info() string {
	switch {
	case l.idx == nil:
		return "loading…"
	case l.waitsForAll():
		return fmt.Sprintf("sorted by %s · loading all employees…", l.sort)
	case l.idx.Partial():
		return fmt.Sprintf("first %s · sorted by %s · loading all employees…", humanize.Comma(int64(l.Len())), l.sort)
	}
	filter := " · no filter"
	if w := l.filterWords(); w != "" {
		filter = " · filter: " + w + " · esc clears it"
	}
	return fmt.Sprintf("%s of %s%s · sorted by %s", humanize.Comma(int64(l.Len())), humanize.Comma(int64(l.idx.EmployeeCount())), filter, l.sort)
}
