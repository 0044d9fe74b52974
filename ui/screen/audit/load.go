package audit

import (
	"strings"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/component/history"
)

// ShownEntries is how many of the newest entries the screen keeps; a
// search looks through the whole trail.
const ShownEntries = 2000

// DefaultSearchDelay lets an admin finish typing before the whole trail
// is read.
const DefaultSearchDelay = 200 * time.Millisecond

// entriesMsg is the newest part of the trail, tagged with the data
// generation it was read for.
type entriesMsg struct {
	gen     int
	entries []model.AuditEntry
	err     error
}

// searchTickMsg fires searchDelay after a keystroke in the search line.
type searchTickMsg struct{ query string }

// searchMsg is the result of a search of the whole trail, for the query
// it was run for.
type searchMsg struct {
	query   string
	entries []model.AuditEntry
	err     error
}

// verifyMsg is the result of checking the chain, for a data generation.
type verifyMsg struct {
	gen   int
	state store.AuditState
	err   error
}

func loadNewest(st *store.Store, gen int) tea.Cmd {
	return func() tea.Msg {
		entries := make([]model.AuditEntry, 0, ShownEntries)
		err := st.AuditNewestFirst(func(e model.AuditEntry) bool {
			entries = append(entries, e)
			return len(entries) < ShownEntries
		})
		return entriesMsg{gen: gen, entries: entries, err: err}
	}
}

// searchTrail reads the whole trail from the newest entry back and keeps
// up to ShownEntries matches. It stops early when a newer search starts
// (current no longer holds its number).
func searchTrail(st *store.Store, query string, current *atomic.Int64, mine int64) tea.Cmd {
	return func() tea.Msg {
		var found []model.AuditEntry
		err := st.AuditNewestFirst(func(e model.AuditEntry) bool {
			if current.Load() != mine {
				return false
			}
			if Matches(&e, query) {
				found = append(found, e)
			}
			return len(found) < ShownEntries
		})
		return searchMsg{query: query, entries: found, err: err}
	}
}

func verify(st *store.Store, gen int) tea.Cmd {
	return func() tea.Msg {
		state, err := st.VerifyAudit()
		return verifyMsg{gen: gen, state: state, err: err}
	}
}

func debounce(query string, delay time.Duration) tea.Cmd {
	return tea.Tick(delay, func(time.Time) tea.Msg { return searchTickMsg{query: query} })
}

// Matches reports whether an entry holds the normalized query in any of
// the words the screen shows.
func Matches(e *model.AuditEntry, query string) bool {
	if query == "" {
		return true
	}
	text := strings.ToLower(e.Time.UTC().Format(history.TimeFormat) + "\x00" + e.Actor + "\x00" + string(e.Action) + "\x00" + e.Action.Words() +
		"\x00" + e.Target + "\x00" + history.Change(e) + "\x00" + e.Note)
	return strings.Contains(text, query)
}
