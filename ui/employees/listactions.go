package employees

import (
	"github.com/charmbracelet/lipgloss"
	"github.com/keydesk/keydesk/ui/common"
)

// actionLines is the height of the line under the list that names the
// selected employee's key actions.
const actionLines = 1

// actionLine lists the key actions of the employee under the cursor. They
// work from the list as on the employee's page, and they change from row
// to row with the key's status, so they are shown where the admin looks:
// the footer, at 80 columns, has no room left for them next to the
// screen's own keys, `?` and `q`.
func (m *Model) actionLine() string {
	if _, ok := m.current(); !ok || m.list.Search.Typing() {
		return "" // no row, or the keys go to the search line
	}
	st := m.Styles
	lines := common.BindingLines(st, "Key actions", m.actions.Bindings(m.target()), m.Width)
	line := lines[0]
	if len(lines) > 1 && lipgloss.Width(line)+2 <= m.Width {
		line += st.Subtle.Render(" …") // a narrow terminal: the rest are in `?`
	}
	return line
}
