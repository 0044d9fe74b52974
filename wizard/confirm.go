package wizard

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// confirmKey answers "Discard this new employee?": y leaves with nothing
// stored, n or esc goes back to where the admin was.
func (m *Model) confirmKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Discard):
		m.confirming = false
		return m.finish(nil)
	case key.Matches(msg, m.keys.Keep):
		m.confirming = false
	}
	return nil
}

func (m *Model) confirmHelp() []key.Binding {
	return []key.Binding{m.keys.Discard, m.keys.Keep}
}

func (m *Model) confirmView(width, height int) string {
	question := lipgloss.JoinVertical(lipgloss.Left,
		m.st.Title.Render("Discard this new employee?"),
		m.st.Subtle.Render("What you typed will be lost."),
		"",
		m.st.HelpKey.Render("y")+m.st.HelpDesc.Render(" discard   ")+
			m.st.HelpKey.Render("n")+m.st.HelpDesc.Render(" keep editing"),
	)
	return m.st.Renderer.Place(width, height, lipgloss.Center, lipgloss.Center, m.st.Dialog.Render(question))
}
