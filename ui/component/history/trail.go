package history

import (
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/component/table"
)

// NewTrail is the whole trail's table, for the Audit screen: who acted
// is what an auditor reads first, so the Actor column stays at every
// width, beside the time and the action; the target, the change and the
// note give way first.
func NewTrail() Model {
	m := Model{trail: true}
	m.table.Columns = []table.Column{
		{Title: "Time", Min: 16, Max: 16},
		{Title: "Action", Min: 13, Want: 15, Max: 18, Flex: 1},
		{Title: "Actor", Min: 14, Want: 18, Max: 40, Flex: 1},
		{Title: "Target", Min: 14, Want: 24, Flex: 4, Drop: 1},
		{Title: "Change", Min: 13, Want: 22, Max: 38, Flex: 3, Drop: 2},
		{Title: "Note", Min: 10, Want: 14, Flex: 2, Drop: 3},
	}
	m.table.Empty = "no entries"
	return m
}

func (m *Model) trailCells(e *model.AuditEntry) []table.Cell {
	return []table.Cell{
		{Text: e.Time.UTC().Format(TimeFormat)}, {Text: model.Printable(e.Action.Words())},
		{Text: model.Printable(model.ActorLabel(e.Actor))}, {Text: model.Printable(e.Target)},
		{Text: Change(e)}, {Text: model.Printable(e.Note)},
	}
}

// SetCursor puts the cursor on the i-th entry.
func (m *Model) SetCursor(i int) { m.table.SetCursor(i) }

// Cursor is the position of the entry under the cursor.
func (m *Model) Cursor() int { return m.table.Cursor() }

// PageRows is how many entries one screen shows.
func (m *Model) PageRows() int { return m.table.PageRows() }
