package employees

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/dustin/go-humanize"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/data"
	"github.com/keydesk/keydesk/ui/component/dialog"
	"github.com/keydesk/keydesk/ui/component/table"
)

// The Employees list filters by company and department, as the Keys list
// filters by status: `f` picks one company or one department (or every
// employee) among those the employees have, each with how many.

// filterChoice is one line of the filter's picker.
type filterChoice struct {
	kind  string // "company", "department", or "" for every employee
	group data.Group
}

// filterChosenMsg is the admin's pick, for the screen to apply.
type filterChosenMsg struct{ choice filterChoice }

func (m *Model) pickFilter() tea.Cmd {
	if m.idx == nil {
		return nil
	}
	if m.idx.Partial() {
		return common.Cmd(common.StillLoadingMsg{Text: "still loading all employees: press f again in a moment"})
	}
	choices := []filterChoice{{}}
	for _, g := range m.idx.Companies() {
		choices = append(choices, filterChoice{kind: "company", group: g})
	}
	for _, g := range m.idx.Departments() {
		choices = append(choices, filterChoice{kind: "department", group: g})
	}
	all := make([]int32, len(choices))
	for i := range all {
		all[i] = int32(i)
	}
	// cells are a choice's words, which the search looks in too.
	cells := func(c filterChoice) (kind, name string, n int) {
		switch {
		case c.kind == "":
			return "everyone", "(no filter)", m.idx.EmployeeCount()
		case c.group.Value == "":
			return c.kind, "(none)", c.group.Count
		}
		return c.kind, c.group.Label(), c.group.Count
	}
	src := dialog.PickerSource{
		Columns: []table.Column{
			{Title: "Filter by", Min: 10},
			{Title: "Name", Min: 16, Flex: 3},
			{Title: "Employees", Min: 9},
		},
		Noun: "choices",
		Search: func(q string) []int32 {
			if q == "" {
				return all
			}
			var out []int32
			for i, c := range choices {
				kind, name, _ := cells(c)
				if strings.Contains(strings.ToLower(kind+" "+name), q) {
					out = append(out, int32(i))
				}
			}
			return out
		},
		Cells: func(i int32) []table.Cell {
			kind, name, n := cells(choices[i])
			return []table.Cell{{Text: kind}, {Text: name}, {Text: humanize.Comma(int64(n))}}
		},
	}
	p := dialog.NewPicker(m.Styles, "Show the employees of…", src, func(i int32) tea.Cmd {
		return common.Cmd(filterChosenMsg{choice: choices[i]})
	})
	p.Body = "A company and a department together keep those in both."
	return tea.Batch(common.Cmd(common.OpenDialogMsg{Dialog: p}), p.Init())
}

// applyFilter keeps the chosen company or department (the other one
// stays as it was); "everyone" drops both.
func (l *list) applyFilter(c filterChoice) {
	l.KeepSelection(func() {
		switch c.kind {
		case "company":
			l.company, l.byCompany = c.group.Value, true
		case "department":
			l.department, l.byDepartment = c.group.Value, true
		default:
			l.byCompany, l.byDepartment = false, false
		}
		l.refilter()
	})
	if _, ok := l.Selected(); !ok {
		l.Table.SetCursor(0)
	}
}
