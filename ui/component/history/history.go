// Package history draws audit entries as a table: a key's or an
// employee's history on their pages, and the whole trail on the Audit
// screen.
package history

import (
	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/styles"
	"github.com/keydesk/keydesk/ui/component/table"
)

// TimeFormat is how the screens write a moment.
const TimeFormat = "2006-01-02 15:04"

// Model is a scrollable table of audit entries, newest first.
type Model struct {
	entries []model.AuditEntry
	table   table.Model
	trail   bool // NewTrail's columns
}

// New builds an empty history; withTarget adds the Target column (the
// Audit screen, where entries are about many records).
func New(withTarget bool) Model {
	m := Model{}
	m.table.Columns = []table.Column{
		{Title: "Time", Min: 16, Max: 16},
		{Title: "Action", Min: 12, Want: 15, Max: 18, Flex: 1},
	}
	if withTarget {
		m.table.Columns = append(m.table.Columns, table.Column{Title: "Target", Min: 14, Want: 24, Flex: 4})
	}
	m.table.Columns = append(m.table.Columns,
		table.Column{Title: "Change", Min: 13, Want: 22, Max: 38, Flex: 3},
		table.Column{Title: "Actor", Min: 14, Max: 40, Flex: 1, Drop: 1},
		table.Column{Title: "Note", Min: 10, Want: 14, Flex: 2, Drop: 2},
	)
	m.table.Empty = "no entries"
	return m
}

// SetSize sets the space for the header and the rows.
func (m *Model) SetSize(width, height int) { m.table.SetSize(width, height) }

// SetEntries replaces the entries; the cursor stays where it was.
func (m *Model) SetEntries(entries []model.AuditEntry) {
	m.entries = entries
	m.table.SetCount(len(entries))
}

// SetEmpty sets what is shown when there are no entries.
func (m *Model) SetEmpty(text string) { m.table.Empty = text }

// Entries are the entries shown.
func (m *Model) Entries() []model.AuditEntry { return m.entries }

// Selected is the entry under the cursor.
func (m *Model) Selected() (model.AuditEntry, bool) {
	if len(m.entries) == 0 {
		return model.AuditEntry{}, false
	}
	return m.entries[m.table.Cursor()], true
}

// Top moves the cursor to the newest entry.
func (m *Model) Top() { m.table.SetCursor(0) }

// Move handles the list keys.
func (m *Model) Move(msg tea.KeyMsg, k *common.ListKeys) bool { return m.table.Move(msg, k) }

// View draws the table.
func (m *Model) View(st *styles.Styles) string {
	withTarget := len(m.table.Columns) == 6
	return m.table.View(st, func(i int) []table.Cell {
		e := &m.entries[i]
		if m.trail {
			return m.trailCells(e)
		}
		cells := []table.Cell{{Text: e.Time.UTC().Format(TimeFormat)}, {Text: model.Printable(e.Action.Words())}}
		if withTarget {
			cells = append(cells, table.Cell{Text: model.Printable(e.Target)})
		}
		return append(cells, table.Cell{Text: Change(e)}, table.Cell{Text: model.Printable(model.ActorLabel(e.Actor))},
			table.Cell{Text: model.Printable(e.Note)})
	})
}

// Change says what an entry changed: "Active → Suspended (Broken)".
func Change(e *model.AuditEntry) string {
	out := ""
	switch {
	case e.From == 0 && e.To == 0:
	case e.From == 0:
		out = "→ " + e.To.String()
	case e.From == e.To:
		out = e.To.String()
	default:
		out = e.From.String() + " → " + e.To.String()
	}
	if e.Reason != model.NoReason {
		out += ": " + e.Reason.Words()
	}
	return out
}
