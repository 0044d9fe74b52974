package ui

import (
	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/wizard"
)

// wizardModel is what the root needs of the employee-creation wizard.
type wizardModel interface {
	tea.Model
	SetSize(width, height int)
	Dirty() bool
	Finished() (created *store.NewEmployee, over bool)
}

// openWizard shows the wizard below the header, full size.
func (a *app) openWizard() tea.Cmd {
	w := wizard.New(wizard.Config{
		Store: a.Store, Actor: a.Actor, Styles: a.Styles, Now: a.Now, May: a.Access.May,
		MailConfigured: a.settings.Configured, Context: a.ctx,
		MailRootCAs: a.mail.RootCAs, MailTimeout: a.mail.Timeout,
	})
	a.wizard = w
	a.layout()
	return w.Init()
}

// toWizard gives the wizard a message, and closes it as soon as it is
// over, before the next key of the same read is handled.
func (a *app) toWizard(msg tea.Msg) tea.Cmd {
	_, cmd := a.wizard.Update(msg)
	if created, over := a.wizard.Finished(); over {
		return tea.Batch(cmd, a.closeWizard(created))
	}
	return cmd
}

// closeWizard goes back to the list, on the new employee if one was
// created (the change is loaded by the store's watch).
func (a *app) closeWizard(created *store.NewEmployee) tea.Cmd {
	a.wizard = nil
	if created == nil {
		return nil
	}
	a.employees.Select(created.Employee.ID)
	a.notice = notice{text: "created " + printableName(created)}
	return a.switchTo(tabEmployees)
}

func printableName(n *store.NewEmployee) string {
	return model.Printable(n.Employee.FullName())
}
