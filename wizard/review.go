package wizard

import (
	"errors"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
)

type createdMsg struct {
	id      int
	created store.NewEmployee
	err     error
}

func (m *Model) reviewKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Quit):
		return m.leave()
	case key.Matches(msg, m.keys.Back) && !m.may(model.OpKeyAssign):
		return m.openProfile("")
	case key.Matches(msg, m.keys.Back):
		return m.openKeyPage()
	case key.Matches(msg, m.keys.Create):
		return m.create()
	}
	return nil
}

// create stores the employee, the assignment and the code in one
// transaction (store.AddEmployee): all of it or nothing.
func (m *Model) create() tea.Cmd {
	id := m.nextRequest("Creating the employee…")
	m.creating = true
	s, actor, in := m.cfg.Store, m.cfg.Actor, m.checked
	serial := ""
	if m.choice != nil {
		serial = m.choice.Ref.Serial
	}
	return func() tea.Msg {
		created, err := s.AddEmployee(actor, in, serial)
		return createdMsg{id: id, created: created, err: err}
	}
}

// createFinished goes to the result, or back to the page that can fix
// what the store refused.
func (m *Model) createFinished(msg createdMsg) tea.Cmd {
	if !m.answered(msg.id) {
		return nil
	}
	m.creating = false
	var unavailable *store.KeyUnavailableError
	var field *model.FieldError
	switch {
	case msg.err == nil:
		m.created = &msg.created
		m.page = pageResult
		m.mail = m.newMailPrompt()
		return nil
	case errors.As(msg.err, &unavailable):
		return m.keyUnavailable(unavailable)
	case errors.As(msg.err, &field):
		return m.profileRefused(field)
	}
	m.failure = msg.err.Error()
	return nil
}

func (m *Model) reviewHelp() []key.Binding {
	if m.creating {
		return nil
	}
	return []key.Binding{m.keys.Create, m.keys.Back, m.keys.Quit}
}

func (m *Model) reviewView(height int) string {
	in := m.checked
	value := func(s string) string {
		if s == "" {
			return m.st.Subtle.Render("—")
		}
		return m.st.Text.Render(model.Printable(s))
	}
	line := func(label, v string) string { return m.st.Label.Render(label) + v }
	lines := []string{
		m.st.Text.Render("Check the details, then create the employee."),
		"",
		line("First name", value(in.FirstName)),
		line("Last name", value(in.LastName)),
		line("E-mail", value(in.Email)),
		line("Phone", value(in.Phone)),
		line("Department", value(in.Department)),
		line("Position", value(in.Position)),
		line("Company", value(in.Company)),
		"",
	}
	indent := strings.Repeat(" ", m.st.Label.GetWidth())
	if k := m.choice; k != nil {
		desc := k.Serial
		for _, extra := range []string{k.Model, prefixed("firmware ", k.Firmware), prefixed("RFID ", k.RFID)} {
			if extra != "" {
				desc += " · " + extra
			}
		}
		lines = append(lines,
			line("Key", m.st.Text.Render(desc)),
			indent+m.st.Subtle.Render("It becomes Reserved for "+model.Printable(fullName(in))+";"),
			indent+m.st.Subtle.Render("the activation code is shown on the next page."),
		)
	} else {
		lines = append(lines,
			line("Key", m.st.Text.Render("No key")),
			indent+m.st.Subtle.Render("Assign one later from the Employees screen."),
		)
	}
	lines = append(lines, "", m.st.Text.Render("Press ")+m.st.HelpKey.Render("enter")+
		m.st.Text.Render(" to create the employee, ")+m.st.HelpKey.Render("esc")+m.st.Text.Render(" to go back and change something."))
	return strings.Join(dropBlankLines(lines, height), "\n")
}

func prefixed(prefix, s string) string {
	if s == "" {
		return ""
	}
	return prefix + s
}
