package call

import (
	"fmt"

	"github.com/dustin/go-humanize"
	"github.com/keydesk/keydesk/ui/component/data"
	"github.com/keydesk/keydesk/ui/component/rowlist"
	"github.com/keydesk/keydesk/ui/component/styles"
	"github.com/keydesk/keydesk/ui/component/table"
)

// searchLines are the title and the search line above the matches.
const searchLines = 2

func newList(st *styles.Styles) rowlist.Model[data.EmployeeRow] {
	return rowlist.New(st, (*data.EmployeeRow).ID,
		table.Column{Title: "Name", Min: 14, Flex: 3},
		table.Column{Title: "E-mail", Min: 18, Flex: 3, Drop: 3},
		table.Column{Title: "Phone", Min: 16, Max: 20, Flex: 1, Drop: 2},
		table.Column{Title: "Key", Min: 16, Max: 20, Drop: 1},
		table.Column{Title: "Status", Min: 11, Max: 11},
	)
}

// refilter shows the employees the search finds, by name: the same
// index search as the Employees list (name, e-mail, phone, key serial,
// department, position), so a keystroke costs the same at 100,000.
func (m *Model) refilter() {
	switch q := m.list.Search.Query(); {
	case m.idx == nil:
		m.list.Table.Empty = "loading…"
	case q == "":
		m.list.Table.Empty = "type, and whoever matches shows here"
		m.list.Show(m.idx.Employees, []int32{})
	case m.idx.Partial():
		m.list.Table.Empty = "loading all employees…"
		m.list.Show(m.idx.Employees, []int32{})
	default:
		m.list.Table.Empty = "nobody matches"
		m.list.Show(m.idx.Employees, m.idx.FindEmployees(q, data.EmployeesByName))
	}
	m.list.Table.SetCursor(0)
}

func (m *Model) searchView() string {
	st, w := m.Styles, m.Width
	info := "find the caller by name, e-mail, phone or key serial"
	if m.list.Search.Query() != "" && m.idx != nil && !m.idx.Partial() {
		info = fmt.Sprintf("%s %s", humanize.Comma(int64(m.list.Len())), plural(m.list.Len(), "match", "matches"))
	}
	title := table.Fit(st.Title.Render("Call")+"  "+st.Subtle.Render(info), w)
	line := m.list.Search.View(w - st.Label.GetWidth())
	if line == "" {
		line = st.Subtle.Render("type a name, e-mail or serial · / first for a phone number")
	}
	search := st.Label.Render("Caller") + line
	body := m.list.Table.View(st, func(i int) []table.Cell {
		e, _ := m.list.Row(i)
		status := table.Cell{}
		if s := e.KeyStatus(); s != 0 {
			style := st.Status(s)
			status = table.Cell{Text: s.String(), Style: &style}
		}
		return []table.Cell{{Text: e.Name()}, {Text: e.Email()}, {Text: e.Phone()}, {Text: e.KeySerial()}, status}
	})
	return title + "\n" + search + "\n" + body
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
