package settings

import (
	"strconv"
	"strings"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/component/common"
)

// View draws the screen.
func (m *Model) View() string {
	if m.form != nil {
		return m.form.View()
	}
	st := m.Styles
	lines := []string{
		st.Title.Render("Mail server"),
		st.Subtle.Render("Sends activation codes by e-mail, for everyone who uses this database."),
		"",
	}
	switch {
	case m.loadErr != nil:
		lines = append(lines, st.Error.Render("✗ cannot read the mail settings: "+model.Printable(m.loadErr.Error())))
	case !m.loaded:
		lines = append(lines, st.Subtle.Render("loading…"))
	case !m.smtp.Configured():
		noServer := store.ErrNoMailServer.Error()
		lines = append(lines, st.Text.Render(strings.ToUpper(noServer[:1])+noServer[1:]+": codes can be read out or copied, not e-mailed."))
		if m.Access.May(model.OpSettingsChange) {
			lines = append(lines, st.Text.Render("Press e to set one up."))
		} else {
			lines = append(lines, st.Subtle.Render("An admin can set one up."))
		}
	default:
		lines = append(lines, m.fieldLines()...)
	}
	lines = append(lines, "")
	lines = append(lines, common.BindingLines(st, "Actions", m.actions(), m.Width)...)
	if line := m.test.View(m.Width); line != "" {
		lines = append(lines, "", line)
	}
	return strings.Join(lines, "\n")
}

// fieldLines are the settings, one a line; the password only as whether
// one is saved.
func (m *Model) fieldLines() []string {
	st, s := m.Styles, m.smtp
	user, password := s.User, "(not set)"
	if user == "" {
		user = "(none: sends without logging in)"
	}
	if s.Password != "" {
		password = "(set)"
	}
	row := func(label, value string) string {
		return st.Label.Render(label) + st.Text.Render(model.Printable(value))
	}
	return []string{
		row("Host", s.Host),
		row("Port", strconv.Itoa(s.Port)),
		row("TLS", tlsWords(s.TLS)),
		row("Sender", s.From),
		row("User", user),
		st.Label.Render("Password") + st.Text.Render(password),
	}
}
