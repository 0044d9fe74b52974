package ui

import (
	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/ui/component/data"
)

// firstPageRows is how many employees the first screen reads before the
// whole index: more than the tallest terminal shows.
const firstPageRows = 200

// previewMsg is the store's first page of employees, for the first
// screen.
type previewMsg struct {
	idx *data.Index
	err error
}

// loadPreview reads the first page of employees and the key counts: a
// few milliseconds, where the whole index takes a second at 100,000 rows.
func (a *app) loadPreview() tea.Cmd {
	st, n := a.Store, a.previewRows
	return func() tea.Msg {
		page, err := st.EmployeesFirstPage(n)
		if err != nil {
			return previewMsg{err: err}
		}
		return previewMsg{idx: data.Preview(page)}
	}
}

// previewLoaded shows the first page on the Employees screen and its
// counts in the header until the whole index replaces it. The other
// screens wait for the whole index: a page of employees is not a list of
// keys.
func (a *app) previewLoaded(msg previewMsg) tea.Cmd {
	if msg.err != nil || a.idx != nil {
		// A failed preview: the full load reports what is wrong. A late
		// one: the whole index is here already.
		return nil
	}
	a.preview = msg.idx
	return a.employees.SetIndex(msg.idx)
}

// countsIndex is the index the header counts from: the whole one, or the
// preview before it arrives (nil before either).
func (a *app) countsIndex() *data.Index {
	if a.idx != nil {
		return a.idx
	}
	return a.preview
}
