package ui

import (
	"fmt"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/component/table"
)

// On a cluster node the header has a line of its own: which node this
// is and its role, or, while no leader is reachable, that the screens
// are read-only and for how long (design 4.6). A single node's header is
// as it always was.

// clusterTickEvery redraws the line while nothing else changes (during a
// partition nothing is written, so no change wakes the screen).
const clusterTickEvery = time.Second

type clusterTickMsg struct{}

// clusterTick is the next redraw of the cluster line; nil on a single
// node.
func (a *app) clusterTick() tea.Cmd {
	if a.Store == nil || a.Store.ClusterNode() == nil {
		return nil
	}
	return tea.Tick(clusterTickEvery, func(time.Time) tea.Msg { return clusterTickMsg{} })
}

// clusterLine is the header's cluster line, ok false on a single node.
func (a *app) clusterLine() (line string, ok bool) {
	if a.Store == nil {
		return "", false
	}
	node := a.Store.ClusterNode()
	if node == nil {
		return "", false
	}
	st := a.Styles
	v := node.Role()
	id := "node " + model.Printable(v.ID)
	switch {
	case v.Halted != nil:
		return st.Error.Render(table.Fit(id+" · stopped: "+model.Printable(v.Halted.Error()), a.width)), true
	case v.Leader == "" && v.NoLeaderFor >= time.Second:
		return st.Warning.Render(table.Fit(fmt.Sprintf("%s · read-only: no leader reachable for %d s", id, int(v.NoLeaderFor.Seconds())), a.width)), true
	case v.Leader == "":
		return st.Subtle.Render(table.Fit(id+" · "+v.State+" · looking for the leader", a.width)), true
	case v.Leader == v.ID:
		return st.Subtle.Render(table.Fit(id+" · leader", a.width)), true
	}
	return st.Subtle.Render(table.Fit(id+" · "+v.State+" · leader "+model.Printable(v.Leader), a.width)), true
}
