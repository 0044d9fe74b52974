package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/component/codeview"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/mailprompt"
)

// codeScreen shows an activation code for reading aloud, after an action
// issued one or on `c`, and e-mails it on `m`. The store wrote the audit
// entry when it gave the code out.
type codeScreen struct {
	c      *common.Common
	view   store.CodeView
	mail   *mailprompt.Model
	copied bool // the code went to the clipboard; said until the next key
	keys   struct{ Copy, Close key.Binding }
}

func newCodeScreen(c *common.Common, v store.CodeView, mail mailprompt.Config) *codeScreen {
	s := &codeScreen{c: c, view: v, mail: mailprompt.ForCode(mail, v)}
	s.keys.Copy = key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy the code"))
	s.keys.Close = key.NewBinding(key.WithKeys("esc", "enter", "q"), key.WithHelp("esc", "close"))
	return s
}

// capturing reports whether the e-mail prompt takes every key.
func (s *codeScreen) capturing() bool { return s.mail.Capturing() }

func (s *codeScreen) help() []key.Binding {
	switch {
	case s.mail.Capturing():
		return s.mail.Help()
	case s.mail.Sending():
		return []key.Binding{s.keys.Copy} // closing waits for the answer
	}
	if !s.mayMail() {
		return []key.Binding{s.keys.Copy, s.keys.Close}
	}
	return []key.Binding{s.keys.Copy, s.mail.Binding(), s.keys.Close}
}

// mayMail reports whether the session's role may e-mail the code.
func (s *codeScreen) mayMail() bool { return s.c.Access.May(model.OpKeyCodeEmail) }

func (s *codeScreen) update(k tea.KeyMsg, a *app) tea.Cmd {
	s.copied = false
	if s.mail.Capturing() {
		return s.mail.Update(k)
	}
	switch {
	case key.Matches(k, s.mail.Binding()) && s.mayMail():
		return s.mail.Open()
	case key.Matches(k, s.keys.Copy):
		s.mail.Dismiss()
		return codeview.Copy(s.c.Styles, s.view.Digits)
	case key.Matches(k, s.keys.Close) && !s.mail.Sending():
		// While a send is on its way the screen stays, to say how it went.
		a.code = nil
	}
	return nil
}

// mailLines are kept below the code for the e-mail line, so that the code
// does not move when the prompt opens.
const mailLines = 2

func (s *codeScreen) render(width, height int) string {
	block := codeview.Render(s.c.Styles, s.view, width, height-mailLines, s.c.Now())
	line := s.mail.View(width)
	if s.copied && !s.mail.Sending() {
		line = s.c.Styles.Success.Render("✓ code copied to your clipboard (if your terminal allows it)")
	}
	// The line starts under the box's left edge (further left only when
	// it must), so neither moves as the line changes.
	left := max((width-lipgloss.Width(block))/2, 0)
	left = min(left, max(width-lipgloss.Width(line), 0))
	box := lipgloss.PlaceHorizontal(width, lipgloss.Center, block)
	body := box + "\n\n"
	if line != "" {
		body += strings.Repeat(" ", left) + line
	}
	return lipgloss.Place(width, height, lipgloss.Left, lipgloss.Center, body)
}
