package common

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// Dialog is a modal box: while one is open, it receives every key.
type Dialog interface {
	// Update handles a message; done closes the dialog, and cmd runs
	// after (the action it confirmed, or nothing when cancelled).
	Update(msg tea.Msg) (done bool, cmd tea.Cmd)
	View() string
	SetSize(width, height int)
	Help() []key.Binding
}
