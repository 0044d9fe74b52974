package history

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/styles"
)

// Page is the history at the foot of one record's page: it loads the
// record's audit trail from the store and shows it once it comes.
type Page struct {
	Model
	Focus
	of   record
	read func(id uint64) ([]model.AuditEntry, error)
}

// record is whose history is read. Answers are tagged with it so that
// one never lands on another's page: a key and an employee may share an
// id.
type record struct {
	kind string
	id   uint64
}

// LoadedMsg is one record's audit trail, as read by Page.Load.
type LoadedMsg struct {
	of      record
	entries []model.AuditEntry
	err     error
}

// KeyPage is the history of key id.
func KeyPage(st *store.Store, id uint64) *Page { return newPage("key", id, st.KeyHistory) }

// EmployeePage is the history of employee id.
func EmployeePage(st *store.Store, id uint64) *Page {
	return newPage("employee", id, st.EmployeeHistory)
}

func newPage(kind string, id uint64, read func(uint64) ([]model.AuditEntry, error)) *Page {
	p := &Page{Model: New(false), of: record{kind: kind, id: id}, read: read}
	p.SetEmpty("loading…")
	return p
}

// Load reads the trail again.
func (p *Page) Load() tea.Cmd {
	of, read := p.of, p.read
	return func() tea.Msg {
		entries, err := read(of.id)
		return LoadedMsg{of: of, entries: entries, err: err}
	}
}

// Loaded shows a trail that was read, if it is this page's record's.
func (p *Page) Loaded(msg LoadedMsg) {
	if msg.of != p.of {
		return
	}
	if msg.err != nil {
		p.SetEmpty("the history cannot be read: " + model.Printable(msg.err.Error()))
		return
	}
	p.SetEmpty("no entries")
	p.SetEntries(msg.entries)
}

// BelowLines are the lines Below puts between the page and the history's
// table: a blank line and the title.
const BelowLines = 2

// MinLines is the least height Below gives the history's table: its
// header and one entry.
const MinLines = 2

// Below draws the page: the lines above, then the history under its
// title in the rest of height.
func (p *Page) Below(st *styles.Styles, above []string, width, height int) string {
	return p.below(st, append(above, ""), width, height)
}

// BelowTight is Below without the blank line above the title: for a page
// that needs that line for its own fields.
func (p *Page) BelowTight(st *styles.Styles, above []string, width, height int) string {
	return p.below(st, above, width, height)
}

func (p *Page) below(st *styles.Styles, above []string, width, height int) string {
	lines := append(above, st.Title.Render(fmt.Sprintf("History (%d)", len(p.Entries()))))
	p.SetSize(width, max(height-len(lines), MinLines))
	return strings.Join(lines, "\n") + "\n" + p.View(st)
}

// HandleKey gives a key of the page to its history first: the arrows
// move into it, enter then opens the entry under the cursor (esc or
// enter closes it), and esc leaves the history. handled is false for
// the keys it leaves to the page.
func (p *Page) HandleKey(k tea.KeyMsg, keys *common.ListKeys) (handled bool) {
	switch {
	case p.Opened != nil:
		if key.Matches(k, keys.Back, keys.Open) {
			p.Opened = nil
		}
		return true
	case p.Move(k, keys):
		p.Focused = true
		return true
	case p.Focused && key.Matches(k, keys.Open):
		if e, ok := p.Selected(); ok {
			p.Opened = &e
		}
		return true
	case p.Focused && key.Matches(k, keys.Back):
		p.Focused = false
		return true
	}
	return false
}

// Busy reports whether the history holds the page's keys (focused, or
// an entry open): esc is its own then.
func (p *Page) Busy() bool { return p.Focused || p.Opened != nil }

// FocusHelp is the footer's keys while the history holds them.
func (p *Page) FocusHelp() []key.Binding {
	if p.Opened != nil {
		return []key.Binding{key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back to the page"))}
	}
	return []key.Binding{
		key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open the entry")),
		key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "entries")),
		key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "leave the history")),
	}
}
