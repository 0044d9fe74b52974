package keys

import "github.com/keydesk/keydesk/ui/component/keyaction"

// actionLine lists the actions that work on the key under the cursor:
// they change from row to row with the status, and the footer, at 80
// columns, has no room for them.
func (m *Model) actionLine() string {
	cur, ok := m.list.Selected()
	if !ok || m.list.Search.Typing() {
		return "" // no row, or the keys go to the search line
	}
	return m.actions.Line(m.Styles, keyaction.Target{Key: cur}, m.Width)
}
