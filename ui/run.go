package ui

import (
	"context"
	"errors"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
)

// Run opens the terminal UI on this machine's terminal until the admin
// quits or ctx is cancelled.
func Run(ctx context.Context, st *store.Store, actor model.Actor) error {
	m := New(Config{Store: st, Actor: actor, Renderer: lipgloss.DefaultRenderer(), Context: ctx})
	_, err := tea.NewProgram(m, tea.WithAltScreen(), tea.WithContext(ctx)).Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil // stopped on purpose (a signal): not a failure
	}
	return err
}
