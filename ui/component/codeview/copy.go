package codeview

import (
	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/ui/component/styles"
)

// CopiedMsg reports that the code was sent to the admin's clipboard.
type CopiedMsg struct{}

// Copy puts the digits on the admin's own clipboard with OSC 52, written
// to that admin's terminal (so it works over SSH too). Terminals that do
// not support OSC 52 ignore it.
func Copy(st *styles.Styles, digits string) tea.Cmd {
	return func() tea.Msg {
		st.Renderer.Output().Copy(digits)
		return CopiedMsg{}
	}
}
