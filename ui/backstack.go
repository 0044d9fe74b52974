package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// The back stack: a jump from one screen's page to another's (an
// employee's key, a key's employee) remembers where it came from, and
// esc on the page it opened goes back there, as k9s does, instead of
// to the other screen's list. Changing screens by hand (0-5, tab)
// starts afresh.

// maxBack bounds the stack: jumps back and forth between a key and its
// employee need no more.
const maxBack = 32

// pager is a screen that shows one record's page over its list.
type pager interface{ PageOpen() bool }

// place is where a jump came from: a screen, and the page it showed.
type place struct {
	tab      int
	employee uint64 // the Employees screen's page, 0 for none
	serial   string // the Keys screen's page, "" for none
}

// here is the current screen with its page.
func (a *app) here() place {
	p := place{tab: a.active}
	switch a.active {
	case tabEmployees:
		p.employee, _ = a.employees.PageID()
	case tabKeys:
		p.serial, _ = a.keysTab.PageSerial()
	}
	return p
}

// jumpTo switches to tab for a jump, remembering where it came from.
func (a *app) jumpTo(tab int) tea.Cmd {
	if tab != a.active {
		a.back = append(a.back, a.here())
		if len(a.back) > maxBack {
			a.back = a.back[1:]
		}
	}
	return a.switchTo(tab)
}

// goBack handles esc on a page a jump opened: the page closes and the
// screen the jump came from shows again, as it was. ok is false when
// esc is the screen's own.
func (a *app) goBack(k tea.KeyMsg) (tea.Cmd, bool) {
	if len(a.back) == 0 || !key.Matches(k, a.ListKeys.Back) {
		return nil, false
	}
	p, isPager := a.current().(pager)
	if !isPager || !p.PageOpen() {
		return nil, false
	}
	closed := a.current().Update(k)
	prev := a.back[len(a.back)-1]
	a.back = a.back[:len(a.back)-1]
	cmds := []tea.Cmd{closed, a.switchTo(prev.tab)}
	// The page it showed, again (a later jump may have shown another).
	switch {
	case prev.employee != 0:
		cmds = append(cmds, a.employees.Open(prev.employee))
	case prev.serial != "":
		cmds = append(cmds, a.keysTab.OpenSerial(prev.serial))
	}
	return tea.Batch(cmds...), true
}
