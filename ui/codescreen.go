package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/codeview"
	"github.com/keydesk/keydesk/ui/common"
)

// codeScreen shows an activation code for reading aloud, after an action
// issued one or on `c`. The store wrote the audit entry when it gave the
// code out.
type codeScreen struct {
	c    *common.Common
	view store.CodeView
	keys struct{ Copy, Close key.Binding }
}

func newCodeScreen(c *common.Common, v store.CodeView) *codeScreen {
	s := &codeScreen{c: c, view: v}
	s.keys.Copy = key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy the code"))
	s.keys.Close = key.NewBinding(key.WithKeys("esc", "enter", "q"), key.WithHelp("esc", "close"))
	return s
}

func (s *codeScreen) help() []key.Binding { return []key.Binding{s.keys.Copy, s.keys.Close} }

func (s *codeScreen) update(k tea.KeyMsg, a *app) tea.Cmd {
	switch {
	case key.Matches(k, s.keys.Copy):
		return codeview.Copy(s.c.Styles, s.view.Digits)
	case key.Matches(k, s.keys.Close):
		a.code = nil
	}
	return nil
}

func (s *codeScreen) render(width, height int) string {
	block := codeview.Render(s.c.Styles, s.view, width, s.c.Now())
	return lipgloss.Place(width, height, lipgloss.Center, lipgloss.Center, block)
}
