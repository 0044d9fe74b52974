package employees

import (
	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/data"
	"github.com/keydesk/keydesk/ui/component/dialog"
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

func chosen(c filterChoice) tea.Msg { return filterChosenMsg{choice: c} }

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
	return dialog.OpenFilterPicker(m.Styles, dialog.FilterChoices[filterChoice]{
		Title: "Show the employees of…", Body: "A company and a department together keep those in both.",
		KindWidth: 10, CountTitle: "Employees", CountWidth: 9,
		Choices: choices, Cells: cells, Chosen: chosen,
	})
}

// applyFilter keeps the chosen company or department (the other one
// stays as it was); "everyone" drops both.
func (l *list) applyFilter(c filterChoice) {
	l.ChangeFilter(func() {
		switch c.kind {
		case "company":
			l.company, l.byCompany = c.group.Value, true
		case "department":
			l.department, l.byDepartment = c.group.Value, true
		default:
			l.ClearFilter()
		}
		l.Refilter()
	})
}
