package common

import (
	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/store"
)

// Messages that screens send to the root. Screens never reach into the
// root: they return a command that yields one of these.

// ErrMsg is a problem to show on the footer line until the next key.
type ErrMsg struct{ Err error }

// InfoMsg is a short confirmation ("key ST1 removed") for the footer line.
type InfoMsg struct{ Text string }

// StillLoadingMsg answers a key that needs the whole index while only
// the first page is loaded; the footer says it until the index comes.
type StillLoadingMsg struct{ Text string }

// CodeMsg asks the root to open the activation code screen. Done says
// what the action changed, for the line under it ("key KD-1 is now
// Suspended"); Reissued: the code before this one stopped working.
type CodeMsg struct {
	View     store.CodeView
	Done     string
	Reissued bool
}

// OpenDialogMsg asks the root to show a modal dialog over the screen.
type OpenDialogMsg struct{ Dialog Dialog }

// OpenKeyMsg asks the root to show one key's details on the Keys screen.
type OpenKeyMsg struct{ Serial string }

// OpenEmployeeMsg asks the root to show one employee on the Employees
// screen.
type OpenEmployeeMsg struct{ ID uint64 }

// StartWizardMsg asks the root to open the employee-creation wizard.
type StartWizardMsg struct{}

// Cmd returns a command that yields msg.
func Cmd(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }
