package audit

import (
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/component/history"
)

// PageEntries is how many entries one read from the store brings; the
// screen keeps at most windowPages of them, and reads the next ones as
// the cursor comes near an end: the whole trail is reachable, never
// loaded whole.
const PageEntries = 200

const windowPages = 3

// DefaultSearchDelay lets an admin finish typing before the trail is
// read again.
const DefaultSearchDelay = 200 * time.Millisecond

// where says what a read is for.
type where int

const (
	atNewest where = iota // the newest page (g, a new filter, a change)
	atOldest              // the oldest page (G)
	atDate                // the page from a date back
	older                 // the page after the window, appended
	newer                 // the page before the window, prepended
)

// pageMsg is one read of the trail, tagged with the view generation it
// was asked for (a new filter or search makes older answers stale).
type pageMsg struct {
	gen     int
	where   where
	entries []model.AuditEntry // newest first
	more    bool               // entries remain beyond them, in the read's direction
	date    string             // atDate: the day asked for
	err     error
}

// searchTickMsg fires searchDelay after a keystroke in the search line.
type searchTickMsg struct{ query string }

// verifyMsg is the result of checking the chain, for a data generation.
type verifyMsg struct {
	gen   int
	state store.AuditState
	err   error
}

// readPage reads one page for w, from seq (0: the newest).
func readPage(st *store.Store, gen int, w where, seq uint64, keep func(*model.AuditEntry) bool) tea.Cmd {
	return func() tea.Msg {
		var entries []model.AuditEntry
		var more bool
		var err error
		switch w {
		case atOldest:
			entries, more, err = st.AuditNewer(1, PageEntries, keep)
			reverse(entries)
		case newer:
			entries, more, err = st.AuditNewer(seq, PageEntries, keep)
			reverse(entries)
		default:
			entries, more, err = st.AuditOlder(seq, PageEntries, keep)
		}
		return pageMsg{gen: gen, where: w, entries: entries, more: more, err: err}
	}
}

// readKeyHistory reads the whole history of one key (short, and kept
// linked in the store), then keeps what the rest of the filter keeps.
func readKeyHistory(st *store.Store, gen int, w where, keyID uint64, keep func(*model.AuditEntry) bool) tea.Cmd {
	return func() tea.Msg {
		all, err := st.KeyHistory(keyID)
		var entries []model.AuditEntry
		for i := range all {
			if keep == nil || keep(&all[i]) {
				entries = append(entries, all[i])
			}
		}
		return pageMsg{gen: gen, where: w, entries: entries, err: err}
	}
}

// readDate reads the page from the end of day back.
func readDate(st *store.Store, gen int, day time.Time, text string, keep func(*model.AuditEntry) bool) tea.Cmd {
	return func() tea.Msg {
		seq, err := st.AuditSeqBefore(day.AddDate(0, 0, 1))
		if err != nil {
			return pageMsg{gen: gen, where: atDate, err: err, date: text}
		}
		if seq == 0 {
			return pageMsg{gen: gen, where: atDate, date: text}
		}
		entries, more, err := st.AuditOlder(seq, PageEntries, keep)
		return pageMsg{gen: gen, where: atDate, entries: entries, more: more, err: err, date: text}
	}
}

func reverse(entries []model.AuditEntry) {
	for i, j := 0, len(entries)-1; i < j; i, j = i+1, j-1 {
		entries[i], entries[j] = entries[j], entries[i]
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
// the words the screen shows (and the action's identifier).
func Matches(e *model.AuditEntry, query string) bool {
	if query == "" {
		return true
	}
	text := strings.ToLower(e.Time.UTC().Format(history.TimeFormat) + "\x00" + e.Actor + "\x00" + string(e.Action) + "\x00" + e.Action.Words() +
		"\x00" + e.Target + "\x00" + history.Change(e) + "\x00" + e.Note)
	return strings.Contains(text, query)
}
