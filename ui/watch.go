package ui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/component/data"
)

// dataChangedMsg says the store committed a change (this session's or
// another's).
type dataChangedMsg struct{}

// indexMsg is a freshly loaded snapshot, ready for the screens. next,
// when not nil, says a newer version is being built (see data.Live.Read).
type indexMsg struct {
	gen  int
	idx  *data.Index
	next <-chan struct{}
	err  error
}

// builtMsg says the version being built when the index was loaded is
// ready: the session loads again.
type builtMsg struct{}

// awaitBuild waits for the version under way, once per build whatever
// the number of loads meanwhile.
func (a *app) awaitBuild(next <-chan struct{}) tea.Cmd {
	if next == nil || next == a.awaiting {
		return nil
	}
	a.awaiting = next
	ctx := a.ctx
	return await(ctx, next, builtMsg{})
}

// watch waits for the next change in the store; the root re-arms it
// after each one, so that changes made elsewhere show without a key.
func watch(ctx context.Context, changes <-chan struct{}) tea.Cmd {
	return await(ctx, changes, dataChangedMsg{})
}

// await is a command that brings msg when ch has something, and nothing
// once ctx ends (the session is over).
func await(ctx context.Context, ch <-chan struct{}, msg tea.Msg) tea.Cmd {
	return func() tea.Msg {
		select {
		case <-ch:
			return msg
		case <-ctx.Done():
			return nil
		}
	}
}

// load asks the process's shared view for the data as it is now, off
// the UI's goroutine: the first session's load builds it, a write's
// first session updates it with what the write touched, and every other
// session gets the same index. While a new version is built (a bulk
// change, a new day), the session shows the one before and loads again
// once it is ready. One load runs at a time; changes during it ask for
// one more.
func (a *app) load() tea.Cmd {
	if a.loading {
		a.reloadPending = true
		return nil
	}
	a.loading = true
	a.loadGen++
	live, gen := a.live, a.loadGen
	return func() tea.Msg {
		idx, next, err := live.Read()
		return indexMsg{gen: gen, idx: idx, next: next, err: err}
	}
}

// warmOrders sorts the lists every other way in the background, so that
// `o` answers at once even with 100,000 rows (once per index built, for
// every session).
func warmOrders(idx *data.Index) tea.Cmd {
	return func() tea.Msg {
		idx.WarmOrders()
		return nil
	}
}

// dayChangedMsg says a UTC day ended: licence statuses move at midnight
// without anything being written, so the index is built again.
type dayChangedMsg struct{}

// nextDay waits until the UTC midnight after the index's moment, or the
// end of the session.
func (a *app) nextDay(idx *data.Index) tea.Cmd {
	day := model.LicenceDay(idx.At)
	if a.noWatch || day == a.waitingDay {
		return nil // tests reload themselves; one wait a day
	}
	a.waitingDay = day
	wait := untilNextDay(idx.At, a.Now())
	ctx := a.ctx
	return func() tea.Msg {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-t.C:
			return dayChangedMsg{}
		case <-ctx.Done():
			return nil
		}
	}
}

// untilNextDay is how long from now until the UTC midnight after at; a
// second at least, so that a clock behind the store's never spins.
func untilNextDay(at, now time.Time) time.Duration {
	return max(model.LicenceDate(model.LicenceDay(at)+1).Sub(now), time.Second)
}
