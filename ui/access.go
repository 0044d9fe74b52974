package ui

import (
	"slices"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/component/common"
)

// resolvedMsg is who the session acts as, as the admins table says it
// now (store.Resolve); gen orders the answers.
type resolvedMsg struct {
	gen   int
	actor model.Actor
	err   error
}

// resolve looks the session's role up again: at the start, and after
// every change in the store, since changing a role is one.
func (a *app) resolve() tea.Cmd {
	a.resolveGen++
	st, who, gen := a.Store, a.Actor, a.resolveGen
	return func() tea.Msg {
		actor, err := st.Resolve(who)
		return resolvedMsg{gen: gen, actor: actor, err: err}
	}
}

// resolved takes the role the store answered: the screens offer what it
// allows from the next key on. A key that is no longer an admin gets a
// screen that says so, and can only quit.
func (a *app) resolved(msg resolvedMsg) tea.Cmd {
	if msg.gen < a.resolvedGen {
		return nil // an older answer than one already taken
	}
	a.resolvedGen = msg.gen
	if msg.err != nil && !model.IsRefusal(msg.err) {
		a.notice = errorNotice(msg.err) // the database could not say: keep the role
		return nil
	}
	before := a.Access.Role()
	a.Access.Resolved(msg.actor, msg.err)
	if after := a.Access.Role(); a.Access.Removed() == nil && before != 0 && after != before {
		// Told, not only applied: the keys offered change under them.
		a.notice = notice{text: "your role is now " + after.String() + " (it was " + before.String() + "): the keys offered follow it"}
	}
	if a.Access.Removed() != nil {
		a.dialog, a.wizard, a.code, a.showHelp = nil, nil, nil, false
		return nil
	}
	if !slices.Contains(a.tabs(), a.active) {
		return a.switchTo(a.tabs()[0])
	}
	return nil
}

// removedView fills the terminal with why the session can do nothing
// more.
func (a *app) removedView() string {
	st := a.Styles
	width := min(a.width-8, 64)
	lines := []string{st.Error.Render("This session can do nothing more."), ""}
	// The store's words: who, which key, and that it is no longer an
	// admin of this database.
	for _, l := range common.Wrap(model.Printable(a.Access.Removed().Error()), width, 4) {
		lines = append(lines, st.Text.Render(l))
	}
	lines = append(lines, "", st.Subtle.Render("Press q to quit."))
	box := st.Box.Padding(1, 2).Render(strings.Join(lines, "\n"))
	return lipgloss.Place(a.width, a.height, lipgloss.Center, lipgloss.Center, box)
}
