package wizard

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/component/codeview"
	"github.com/keydesk/keydesk/ui/component/mailprompt"
)

func (m *Model) resultKey(msg tea.KeyMsg) tea.Cmd {
	code := m.created.Code
	if m.mail != nil && m.mail.Capturing() {
		return m.mail.Update(msg)
	}
	switch {
	case key.Matches(msg, m.keys.Copy) && code != nil:
		return codeview.Copy(m.st, code.Digits)
	case m.mail != nil && key.Matches(msg, m.mail.Binding()):
		m.copied = false
		return m.mail.Open()
	case key.Matches(msg, m.keys.Finish) && m.mail != nil && m.mail.Sending():
		return nil // the page stays until it can say how the send went
	case key.Matches(msg, m.keys.Finish, m.keys.Quit):
		created := *m.created
		return m.finish(&created)
	}
	return nil
}

// newMailPrompt is the e-mail prompt of the Result page, when there is a
// code and the session can send it.
func (m *Model) newMailPrompt() *mailprompt.Model {
	if m.created.Code == nil || m.cfg.MailConfigured == nil || !m.may(model.OpKeyCodeEmail) {
		return nil
	}
	return mailprompt.ForCode(mailprompt.Config{
		Store: m.cfg.Store, Actor: m.cfg.Actor, Styles: m.st, Context: m.cfg.Context,
		RootCAs: m.cfg.MailRootCAs, Timeout: m.cfg.MailTimeout,
		Configured: m.cfg.MailConfigured,
		SetupHint:  "press enter to finish, then 4 for Settings",
		CanSetUp:   func() bool { return m.may(model.OpSettingsChange) },
	}, *m.created.Code)
}

func (m *Model) resultHelp() []key.Binding {
	switch {
	case m.mail != nil && m.mail.Capturing():
		return m.mail.Help()
	case m.mail != nil && m.mail.Sending():
		return []key.Binding{m.keys.Copy} // done waits for the answer
	}
	var keys []key.Binding
	if m.created.Code != nil {
		keys = append(keys, m.keys.Copy)
		if m.mail != nil {
			keys = append(keys, m.mail.Binding())
		}
	}
	return append(keys, m.keys.Finish)
}

func (m *Model) resultView(height int) string {
	e := m.created.Employee
	name := model.Printable(e.FullName())
	code := m.created.Code
	if code == nil {
		return strings.Join([]string{
			m.st.Success.Render("✓ " + name + " was created."),
			"",
			m.st.Text.Render("No key was assigned: give one later from the Employees screen."),
			m.st.Subtle.Render("E-mail: " + model.Printable(e.Email)),
		}, "\n")
	}
	headline := wrapText(m.st.Success.Render("✓ "+name+" was created.")+" "+
		m.st.Text.Render("Read them their activation code:"), m.width)
	return withHeadline(headline, height, func(room int) string {
		return codeview.Render(m.st, *code, m.width, room, m.cfg.Now())
	})
}

// withHeadline puts a headline above a block drawn by draw in the room
// left: with a blank line between them when that costs the block
// nothing, without it when the line buys a roomier block, and without the
// headline when the block needs the whole height.
func withHeadline(headline string, height int, draw func(room int) string) string {
	room := height - lipgloss.Height(headline)
	spaced, tight := draw(room-1), draw(room)
	switch {
	case lipgloss.Height(spaced) <= room-1 && lipgloss.Height(spaced) == lipgloss.Height(tight):
		return headline + "\n\n" + spaced
	case lipgloss.Height(tight) <= room:
		return headline + "\n" + tight
	}
	return draw(height) // short screen: the code matters, the headline does not
}
