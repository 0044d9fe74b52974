package wizard

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/codeview"
)

func (m *Model) resultKey(msg tea.KeyMsg) tea.Cmd {
	code := m.created.Code
	switch {
	case key.Matches(msg, m.keys.Copy) && code != nil:
		return codeview.Copy(m.st, code.Digits)
	case key.Matches(msg, m.keys.MailCode) && code != nil && m.mailCode != nil:
		return m.mailCode(*m.created)
	case key.Matches(msg, m.keys.Finish, m.keys.Quit):
		created := *m.created
		return done(&created)
	}
	return nil
}

func (m *Model) resultHelp() []key.Binding {
	var keys []key.Binding
	if m.created.Code != nil {
		keys = append(keys, m.keys.Copy)
		if m.mailCode != nil {
			keys = append(keys, m.keys.MailCode)
		}
	}
	return append(keys, m.keys.Finish)
}

// codeViewLines is the height of codeview.Render with the big digits; on
// a shorter screen the code is drawn in its compact form.
const codeViewLines = 18

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
	width := m.width
	if height-lipgloss.Height(headline)-1 < codeViewLines {
		width = min(width, codeview.BigDigitsWidth+9)
	}
	block := codeview.Render(m.st, *code, width, m.cfg.Now())
	if lipgloss.Height(headline)+1+lipgloss.Height(block) > height {
		return block // short screen: the code matters, the headline does not
	}
	return headline + "\n\n" + block
}
