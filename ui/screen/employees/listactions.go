package employees

import "github.com/keydesk/keydesk/ui/component/keyaction"

// actionLines is the height of the line under the list that names the
// selected employee's key actions.
const actionLines = keyaction.LineHeight

// actionLine lists the key actions of the employee under the cursor: they
// work from the list as on the employee's page, and change from row to
// row with the key's status.
func (m *Model) actionLine() string {
	if _, ok := m.current(); !ok || m.list.Search.Typing() {
		return "" // no row, or the keys go to the search line
	}
	return m.actions.Line(m.Styles, m.target(), m.Width)
}
