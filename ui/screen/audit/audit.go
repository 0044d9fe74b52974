// Package audit is the Audit screen: the trail newest first, searchable,
// with the state of its hash chain.
package audit

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/dustin/go-humanize"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/data"
	"github.com/keydesk/keydesk/ui/component/history"
	"github.com/keydesk/keydesk/ui/component/searchbar"
	"github.com/keydesk/keydesk/ui/component/table"
)

// Model is the Audit screen.
type Model struct {
	common.Common
	// SearchDelay is the pause in typing after which the trail is read
	// again for the search (tests set it to 0).
	SearchDelay time.Duration

	idx     *data.Index // for a key's own history (a filter by one key)
	gen     int         // bumped by every change in the store
	viewGen int         // bumped by every new read of the window
	stale   bool        // the store changed while the screen was hidden
	table   history.Model
	search  searchbar.Model
	filter  filter
	detail  *model.AuditEntry // the entry opened with enter
	visible bool

	// The window: the entries read, newest first, and whether the trail
	// goes on beyond each end (for the filter and search as they are).
	window     []model.AuditEntry
	olderMore  bool
	newerMore  bool
	loaded     bool
	loading    bool
	newest     uint64 // the newest entry's number: how many there are
	date       string // the day gone to, while its page is shown
	searchedAs string // the search the window was read for

	// The chain check.
	verifyGen int // the generation last checked (or being checked)
	verifying bool
	verified  bool
	state     store.AuditState
	verifyErr error

	keys keyMap
}

// keyMap is what the Audit screen adds to the list keys.
type keyMap struct {
	Filter key.Binding
	Date   key.Binding
}

// New builds the screen.
func New(c common.Common) *Model {
	m := &Model{Common: c, SearchDelay: DefaultSearchDelay, table: history.NewTrail(), search: searchbar.New(c.Styles), verifyGen: -1,
		keys: keyMap{
			Filter: key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "filter")),
			Date:   key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "date")),
		}}
	m.table.SetEmpty("loading…")
	return m
}

// Title is the tab's name.
func (m *Model) Title() string { return "Audit" }

// headerLines are the title and the chain lines above the table.
const headerLines = 2

// SetSize sets the space the screen draws in.
func (m *Model) SetSize(width, height int) {
	m.Common.SetSize(width, height)
	m.table.SetSize(width, height-headerLines)
}

// Capturing reports whether the search line takes every key.
func (m *Model) Capturing() bool { return m.detail == nil && m.search.Typing() }

// SetIndex is called after every change in the store: the newest page is
// read again when it is the one shown (an admin paging back in time
// keeps their place), and the chain checked again if the screen is
// shown.
func (m *Model) SetIndex(idx *data.Index) tea.Cmd {
	m.gen++
	if idx != nil {
		m.idx = idx
	}
	if m.loaded && !m.visible {
		// A write costs the sessions on other screens nothing here: Shown
		// reads what changed.
		m.stale = true
		return nil
	}
	return m.refresh()
}

// refresh reads the newest page again when it is the one shown (an admin
// paging back in time keeps their place), and checks the chain again if
// the screen is shown.
func (m *Model) refresh() tea.Cmd {
	m.stale = false
	var cmds []tea.Cmd
	if !m.loaded || (!m.newerMore && m.date == "") {
		cmds = append(cmds, m.read(atNewest, 0))
	}
	if m.visible {
		cmds = append(cmds, m.startVerify())
	}
	return tea.Batch(cmds...)
}

// Shown is called when the tab becomes the current one: the entries are
// read if they changed while it was hidden, and the chain is checked when
// it changed since the last check.
func (m *Model) Shown() tea.Cmd {
	m.visible = true
	if m.stale {
		return m.refresh()
	}
	return m.startVerify()
}

// Hidden is called when another tab becomes the current one.
func (m *Model) Hidden() { m.visible = false }

func (m *Model) startVerify() tea.Cmd {
	if m.verifying || m.verifyGen == m.gen {
		return nil // running (it is rerun when it ends) or up to date
	}
	m.verifying, m.verifyGen = true, m.gen
	return verify(m.Store, m.gen)
}

// read asks for a page; a read that replaces the window (not one that
// extends it) makes every read before it stale.
func (m *Model) read(w where, seq uint64) tea.Cmd {
	if w != older && w != newer {
		m.viewGen++
	}
	m.loading = true
	keep := m.filter.keep(m.search.Text())
	if id, ok := m.oneKey(); ok && (w == atNewest || w == atOldest) {
		return readKeyHistory(m.Store, m.viewGen, w, id, keep)
	}
	return readPage(m.Store, m.viewGen, w, seq, keep)
}

// oneKey is the key the filter names by its whole serial: its entries
// are read from its own history, not found among all the trail's.
func (m *Model) oneKey() (uint64, bool) {
	if m.filter.key == "" || m.idx == nil {
		return 0, false
	}
	k, ok := m.idx.KeyBySerial(strings.ToUpper(strings.TrimSpace(m.filter.key)))
	if !ok {
		return 0, false
	}
	return k.ID(), true
}

// Update handles a message meant for this screen.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case pageMsg:
		if msg.gen != m.viewGen {
			return nil
		}
		m.loading = false
		if msg.err != nil {
			return common.Cmd(common.ErrMsg{Err: fmt.Errorf("cannot read the audit trail: %w", msg.err)})
		}
		m.placePage(msg)
		return nil
	case verifyMsg:
		m.verifying = false
		m.verified, m.state, m.verifyErr = true, msg.state, msg.err
		if m.visible && msg.gen != m.gen {
			return m.startVerify()
		}
		return nil
	case searchTickMsg:
		if msg.query != m.search.Text() {
			return nil
		}
		m.searchedAs = msg.query
		return m.read(atNewest, 0)
	case filterSetMsg:
		m.filter, m.date = msg.filter, ""
		return m.read(atNewest, 0)
	case dateMsg:
		day, err := time.Parse("2006-01-02", strings.TrimSpace(msg.day))
		if err != nil {
			return common.Cmd(common.ErrMsg{Err: &model.Refusal{Msg: "a date is written YYYY-MM-DD, e.g. 2026-10-01"}})
		}
		m.viewGen++
		m.loading = true
		return readDate(m.Store, m.viewGen, day, day.Format("2006-01-02"), m.filter.keep(m.search.Text()))
	}
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		_, cmd := m.search.Update(msg)
		return cmd
	}
	if m.detail != nil {
		if key.Matches(k, m.ListKeys.Back, m.ListKeys.Open) {
			m.detail = nil
		}
		return nil
	}
	if m.search.Typing() {
		if searchbar.Scrolls(k) {
			return m.move(k)
		}
		changed, cmd := m.search.Update(k)
		if changed {
			return tea.Batch(cmd, m.queryChanged())
		}
		return cmd
	}
	switch {
	case key.Matches(k, m.ListKeys.Top):
		m.date = ""
		return m.read(atNewest, 0)
	case key.Matches(k, m.ListKeys.Bottom):
		m.date = ""
		return m.read(atOldest, 0)
	case key.Matches(k, m.ListKeys.Up, m.ListKeys.Down, m.ListKeys.PageUp, m.ListKeys.PageDown):
		return m.move(k)
	case key.Matches(k, m.ListKeys.Search):
		return m.search.Open()
	case key.Matches(k, m.keys.Filter):
		return m.askFilter()
	case key.Matches(k, m.keys.Date):
		return m.askDate()
	case key.Matches(k, m.ListKeys.Back):
		switch {
		case m.search.Clear():
			return m.queryChanged()
		case m.filter.active():
			m.filter = filter{}
			return m.read(atNewest, 0)
		case m.date != "":
			m.date = ""
			return m.read(atNewest, 0)
		}
	case key.Matches(k, m.ListKeys.Open):
		if e, ok := m.table.Selected(); ok {
			m.detail = &e
		}
	}
	return nil
}

// move moves the cursor, and reads the next page when it comes to an
// end of the window that is not an end of the trail.
func (m *Model) move(k tea.KeyMsg) tea.Cmd {
	before := m.table.Cursor()
	m.table.Move(k, m.ListKeys)
	at, n := m.table.Cursor(), len(m.window)
	if m.loading || n == 0 {
		return nil
	}
	page := m.table.PageRows()
	switch {
	case m.olderMore && at >= n-page && (at != before || key.Matches(k, m.ListKeys.Down, m.ListKeys.PageDown)):
		return m.read(older, m.window[n-1].Seq-1)
	case m.newerMore && at < page && (at != before || key.Matches(k, m.ListKeys.Up, m.ListKeys.PageUp)):
		return m.read(newer, m.window[0].Seq+1)
	}
	return nil
}

// placePage puts a page read on the table.
func (m *Model) placePage(msg pageMsg) {
	m.loaded = true
	switch msg.where {
	case atNewest:
		m.window, m.olderMore, m.newerMore = msg.entries, msg.more, false
		m.table.SetEntries(m.window)
		m.table.SetCursor(0)
		if m.filter.keep(m.search.Text()) == nil && len(msg.entries) > 0 {
			m.newest = msg.entries[0].Seq
		}
	case atOldest:
		m.window, m.olderMore, m.newerMore = msg.entries, false, msg.more
		m.table.SetEntries(m.window)
		m.table.SetCursor(len(m.window) - 1)
	case atDate:
		m.date = msg.date
		m.window, m.olderMore = msg.entries, msg.more
		m.newerMore = true // the days after it
		m.table.SetEntries(m.window)
		m.table.SetCursor(0)
	case older:
		cursor := m.table.Cursor()
		m.window = append(m.window, msg.entries...)
		m.olderMore = msg.more
		if drop := len(m.window) - windowPages*PageEntries; drop > 0 {
			m.window = append([]model.AuditEntry(nil), m.window[drop:]...)
			cursor -= drop
			m.newerMore = true
		}
		m.table.SetEntries(m.window)
		m.table.SetCursor(max(cursor, 0))
	case newer:
		cursor := m.table.Cursor() + len(msg.entries)
		m.window = append(append([]model.AuditEntry(nil), msg.entries...), m.window...)
		m.newerMore = msg.more
		if keep := windowPages * PageEntries; len(m.window) > keep {
			m.window = m.window[:keep]
			m.olderMore = true
		}
		m.table.SetEntries(m.window)
		m.table.SetCursor(min(cursor, len(m.window)-1))
	}
	switch {
	case m.search.Text() != "" || m.filter.active():
		m.table.SetEmpty("no entry matches")
	case msg.where == atDate:
		m.table.SetEmpty("no entry on or before " + msg.date)
	default:
		m.table.SetEmpty("no entries")
	}
}

// queryChanged reads the trail again for the search once typing pauses.
func (m *Model) queryChanged() tea.Cmd {
	m.viewGen++ // a read for the query before is no longer wanted
	q := m.search.Text()
	if q == "" {
		m.searchedAs = ""
		return m.read(atNewest, 0)
	}
	return debounce(q, m.SearchDelay)
}

// View draws the screen.
func (m *Model) View() string {
	if m.detail != nil {
		return m.detailView(m.detail)
	}
	st, w := m.Styles, m.Width
	var parts []string
	switch {
	case !m.loaded:
		parts = append(parts, "loading…")
	default:
		if e, ok := m.table.Selected(); ok {
			parts = append(parts, fmt.Sprintf("entry %s of %s", humanize.Comma(int64(e.Seq)), humanize.Comma(int64(m.total()))))
		} else {
			parts = append(parts, humanize.Comma(int64(m.total()))+" entries")
		}
		if m.date != "" {
			parts = append(parts, "from "+m.date+" back")
		}
		if m.filter.active() {
			parts = append(parts, "filter: "+m.filter.String()+" · esc clears it")
		} else if m.search.Text() == "" {
			parts = append(parts, "no filter")
		}
		if q := m.search.Text(); q != "" && q != m.searchedAs {
			parts = append(parts, "searching…")
		}
	}
	title := m.search.TitleLine(st.Title.Render("Audit")+"  "+st.Subtle.Render(strings.Join(parts, " · ")), w)
	return title + "\n" + table.Fit(m.chainLine(), w) + "\n" + m.table.View(st)
}

// total is the number of entries in the trail (sequence numbers have no
// gaps, so the newest one's is the count), as last read.
func (m *Model) total() uint64 {
	if m.verified && m.state.Entries > m.newest {
		return uint64(m.state.Entries)
	}
	return m.newest
}

// chainLine says whether the hash chain holds, and its head.
func (m *Model) chainLine() string {
	st := m.Styles
	switch {
	case !m.verified && m.verifying:
		return st.Subtle.Render("Chain: verifying…")
	case !m.verified:
		return st.Subtle.Render("Chain: not checked yet")
	case m.verifyErr != nil:
		var ce *store.ChainError
		if errors.As(m.verifyErr, &ce) {
			return st.Error.Render("Chain BROKEN at entry "+humanize.Comma(int64(ce.Seq))+": "+ce.Msg) +
				st.Subtle.Render(" (run keydesk audit verify)")
		}
		return st.Error.Render("Chain cannot be checked: " + m.verifyErr.Error())
	}
	line := st.Success.Render("Chain verified") + st.Subtle.Render(fmt.Sprintf(" · %s entries · head ", humanize.Comma(int64(m.state.Entries))))
	head := m.state.HeadHash
	if head == "" {
		head = "— (empty trail)"
	}
	line += st.Text.Render(head)
	if m.verifying {
		line += st.Subtle.Render(" · checking again…")
	}
	return line
}

func (m *Model) detailView(e *model.AuditEntry) string {
	return history.EntryView(m.Styles, e, m.Width, m.Height)
}

// ShortHelp is the footer's keys for what is on screen.
func (m *Model) ShortHelp() []key.Binding {
	switch {
	case m.detail != nil:
		return []key.Binding{m.ListKeys.Back}
	case m.search.Typing():
		return searchbar.Help()
	}
	return []key.Binding{m.ListKeys.Open, m.ListKeys.Search, m.keys.Filter, m.keys.Date, m.ListKeys.Top, m.ListKeys.Bottom}
}

// FullHelp is every key of the screen, for `?`.
func (m *Model) FullHelp() [][]key.Binding {
	filterHelp := key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "filter by actor, action, key, employee"))
	dateHelp := key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "go to a date (YYYY-MM-DD)"))
	return [][]key.Binding{m.ListKeys.Navigation(), {m.ListKeys.Open, m.ListKeys.Search, filterHelp, dateHelp, m.ListKeys.Back}}
}

// Selected is the entry under the cursor.
func (m *Model) Selected() (model.AuditEntry, bool) { return m.table.Selected() }
