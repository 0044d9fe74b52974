// Package audit is the Audit screen: the trail newest first, searchable,
// with the state of its hash chain.
package audit

import (
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
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
	// SearchDelay is the pause in typing after which the whole trail is
	// searched (tests set it to 0).
	SearchDelay time.Duration

	gen     int // bumped by every change in the store
	newest  []model.AuditEntry
	loaded  bool
	table   history.Model
	search  searchbar.Model
	detail  *model.AuditEntry // the entry opened with enter
	visible bool

	// The search of the whole trail.
	searchGen   atomic.Int64
	searchQuery string // the query the shown results are for
	results     []model.AuditEntry

	// The chain check.
	verifyGen int // the generation last checked (or being checked)
	verifying bool
	verified  bool
	state     store.AuditState
	verifyErr error
}

// New builds the screen.
func New(c common.Common) *Model {
	m := &Model{Common: c, SearchDelay: DefaultSearchDelay, table: history.New(true), search: searchbar.New(c.Styles), verifyGen: -1}
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

// SetIndex is called after every change in the store: the newest entries
// are read again, and the chain checked again if the screen is shown.
func (m *Model) SetIndex(*data.Index) tea.Cmd {
	m.gen++
	cmds := []tea.Cmd{loadNewest(m.Store, m.gen)}
	if m.visible {
		cmds = append(cmds, m.startVerify())
	}
	if q := m.search.Query(); q != "" {
		cmds = append(cmds, m.startSearch(q))
	}
	return tea.Batch(cmds...)
}

// Shown is called when the tab becomes the current one: the chain is
// checked when it changed since the last check.
func (m *Model) Shown() tea.Cmd {
	m.visible = true
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

func (m *Model) startSearch(query string) tea.Cmd {
	mine := m.searchGen.Add(1)
	return searchTrail(m.Store, query, &m.searchGen, mine)
}

// Update handles a message meant for this screen.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case entriesMsg:
		if msg.gen != m.gen {
			return nil
		}
		if msg.err != nil {
			return common.Cmd(common.ErrMsg{Err: fmt.Errorf("cannot read the audit trail: %w", msg.err)})
		}
		m.newest, m.loaded = msg.entries, true
		m.refresh()
		return nil
	case verifyMsg:
		m.verifying = false
		m.verified, m.state, m.verifyErr = true, msg.state, msg.err
		if m.visible && msg.gen != m.gen {
			return m.startVerify()
		}
		return nil
	case searchTickMsg:
		if msg.query != m.search.Query() || msg.query == "" {
			return nil
		}
		return m.startSearch(msg.query)
	case searchMsg:
		if msg.query != m.search.Query() {
			return nil
		}
		if msg.err != nil {
			return common.Cmd(common.ErrMsg{Err: fmt.Errorf("cannot search the audit trail: %w", msg.err)})
		}
		m.searchQuery, m.results = msg.query, msg.entries
		m.refresh()
		return nil
	}
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		_, cmd := m.search.Update(msg)
		return cmd
	}
	if m.detail != nil {
		if key.Matches(k, m.Keys.Back, m.Keys.Open) {
			m.detail = nil
		}
		return nil
	}
	if m.search.Typing() {
		if searchbar.Scrolls(k) {
			m.table.Move(k, m.Keys)
			return nil
		}
		changed, cmd := m.search.Update(k)
		if changed {
			return tea.Batch(cmd, m.queryChanged())
		}
		return cmd
	}
	switch {
	case m.table.Move(k, m.Keys):
	case key.Matches(k, m.Keys.Search):
		return m.search.Open()
	case key.Matches(k, m.Keys.Back):
		if m.search.Clear() {
			return m.queryChanged()
		}
	case key.Matches(k, m.Keys.Open):
		if e, ok := m.table.Selected(); ok {
			m.detail = &e
		}
	}
	return nil
}

// queryChanged filters the newest entries at once, and asks for a search
// of the whole trail once typing pauses.
func (m *Model) queryChanged() tea.Cmd {
	m.searchGen.Add(1) // a running search is no longer wanted
	m.results, m.searchQuery = nil, ""
	m.refresh()
	m.table.Top()
	if q := m.search.Query(); q != "" {
		return debounce(q, m.SearchDelay)
	}
	return nil
}

// refresh puts on the table what the search asks for.
func (m *Model) refresh() {
	q := m.search.Query()
	switch {
	case q == "":
		m.table.SetEntries(m.newest)
	case m.searchQuery == q:
		m.table.SetEntries(m.results)
	default:
		var quick []model.AuditEntry
		for i := range m.newest {
			if Matches(&m.newest[i], q) {
				quick = append(quick, m.newest[i])
			}
		}
		m.table.SetEntries(quick)
	}
	if m.loaded {
		m.table.SetEmpty("no entries")
		if q != "" {
			m.table.SetEmpty("no entry matches")
		}
	}
}

// total is the number of entries in the trail (sequence numbers have no
// gaps, so the newest one's is the count).
func (m *Model) total() uint64 {
	if len(m.newest) == 0 {
		return 0
	}
	return m.newest[0].Seq
}

// View draws the screen.
func (m *Model) View() string {
	if m.detail != nil {
		return m.detailView(m.detail)
	}
	st, w := m.Styles, m.Width
	var info string
	switch q := m.search.Query(); {
	case !m.loaded:
		info = "loading…"
	case q == "":
		info = fmt.Sprintf("newest %s of %s entries", humanize.Comma(int64(len(m.newest))), humanize.Comma(int64(m.total())))
	case m.searchQuery == q:
		info = fmt.Sprintf("%s matches in the whole trail", humanize.Comma(int64(len(m.results))))
		if len(m.results) >= ShownEntries {
			info = fmt.Sprintf("the newest %s matches in the whole trail", humanize.Comma(ShownEntries))
		}
	default:
		info = fmt.Sprintf("%d matches among the newest · searching the whole trail…", len(m.table.Entries()))
	}
	title := m.search.TitleLine(st.Title.Render("Audit")+"  "+st.Subtle.Render(info), w)
	return title + "\n" + table.Fit(m.chainLine(), w) + "\n" + m.table.View(st)
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
		var ce *store.ErrChain
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
	st, w := m.Styles, m.Width
	row := func(label, value string) string { return st.Label.Render(label) + st.Text.Render(value) }
	fields := []string{
		st.Title.Render(fmt.Sprintf("Audit entry %s", humanize.Comma(int64(e.Seq)))),
		row("Time", e.Time.UTC().Format("2006-01-02 15:04:05 UTC")),
	}
	// All of the actor, the key's fingerprint too, over two lines if
	// it must.
	fields = append(fields, common.FieldLines(st, "Actor", model.Printable(e.Actor), w, 2)...)
	fields = append(fields,
		row("Action", model.Printable(string(e.Action))),
		row("Target", model.Printable(e.Target)),
		row("Change", history.Change(e)),
	)
	hashes := []string{row("Hash", e.Hash), row("Previous hash", e.PrevHash)}
	foot := []string{"", st.Subtle.Render("esc back")}
	// The note is free text of up to 500 characters: all of it, unless
	// the screen is too short.
	spare := m.Height - len(fields) - len(hashes) - len(foot)
	lines := append(fields, common.FieldLines(st, "Note", model.Printable(e.Note), w, spare)...)
	lines = append(lines, hashes...)
	for i := range lines {
		lines[i] = table.Fit(lines[i], w)
	}
	return strings.Join(append(lines, foot...), "\n")
}

// ShortHelp is the footer's keys for what is on screen.
func (m *Model) ShortHelp() []key.Binding {
	switch {
	case m.detail != nil:
		return []key.Binding{m.Keys.Back}
	case m.search.Typing():
		return searchbar.Help()
	}
	return []key.Binding{m.Keys.Open, m.Keys.Search}
}

// FullHelp is every key of the screen, for `?`.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{m.Keys.Navigation(), {m.Keys.Open, m.Keys.Search, m.Keys.Back}}
}
