package keys

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/dustin/go-humanize"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/common"
	"github.com/keydesk/keydesk/ui/data"
	"github.com/keydesk/keydesk/ui/history"
	"github.com/keydesk/keydesk/ui/searchbar"
	"github.com/keydesk/keydesk/ui/table"
)

// colLastChange is the index of the "Changed" column.
const colLastChange = 6

// list is the table of keys with its status filter, search and sort.
type list struct {
	c      *common.Common
	idx    *data.Index
	table  table.Model
	search searchbar.Model
	sort   data.KeySort
	status model.Status // 0: every status
	rows   []int32
}

func newList(c *common.Common) list {
	l := list{c: c, search: searchbar.New(c.Styles)}
	l.table.Columns = []table.Column{
		{Title: "Serial", Min: 16, Max: 24, Flex: 1},
		{Title: "Model", Min: 9, Max: 16, Flex: 1, Drop: 3},
		{Title: "Status", Min: 11, Max: 11},
		{Title: "Reason", Min: 10, Max: 21, Flex: 1, Drop: 2},
		{Title: "Employee", Min: 14, Max: 40, Flex: 3},
		{Title: "E-mail", Min: 24, Max: 44, Flex: 2, Drop: 4},
		{Title: "Changed", Min: 10, Max: 16, Flex: 1, Drop: 1},
	}
	l.table.Empty = "loading…" // until the first index
	return l
}

func (l *list) setSize(width, height int) { l.table.SetSize(width, height-1) }

// setIndex shows new data, keeping the cursor on the same key.
func (l *list) setIndex(idx *data.Index) {
	keep, had := l.selected()
	var id uint64
	if had {
		id = keep.ID()
	}
	l.idx = idx
	l.refilter()
	if had {
		l.selectID(id)
	}
}

func (l *list) refilter() {
	if l.idx == nil {
		return
	}
	l.table.Empty = "no keys"
	q, status := l.search.Query(), l.status
	keys := l.idx.Keys
	hit := l.idx.KeysMatching(q)
	var keep func(int32) bool
	if hit != nil || status != 0 {
		keep = func(i int32) bool {
			return (status == 0 || keys[i].Status() == status) && (hit == nil || hit[i])
		}
	}
	l.rows = data.Filter(l.idx.KeyOrder(l.sort), keep)
	l.table.SetCount(len(l.rows))
}

func (l *list) selected() (*data.KeyRow, bool) {
	if l.idx == nil || len(l.rows) == 0 {
		return nil, false
	}
	return &l.idx.Keys[l.rows[l.table.Cursor()]], true
}

func (l *list) selectID(id uint64) bool {
	for pos, i := range l.rows {
		if l.idx.Keys[i].ID() == id {
			l.table.SetCursor(pos)
			return true
		}
	}
	return false
}

// showAll drops the search and the filter so that any key can be shown.
func (l *list) showAll() {
	l.search.Clear()
	l.status = 0
	l.refilter()
}

func (l *list) update(msg tea.KeyMsg, keys *keyMap) (handled bool, cmd tea.Cmd) {
	nav := l.c.Keys
	if l.search.Typing() {
		if msg.Type == tea.KeyUp || msg.Type == tea.KeyDown || msg.Type == tea.KeyPgUp || msg.Type == tea.KeyPgDown {
			l.table.Move(msg, nav)
			return true, nil
		}
		changed, cmd := l.search.Update(msg)
		if changed {
			l.refilter()
			l.table.SetCursor(0)
		}
		return true, cmd
	}
	switch {
	case l.table.Move(msg, nav):
		return true, nil
	case key.Matches(msg, nav.Search):
		return true, l.search.Open()
	case key.Matches(msg, nav.Back):
		if l.search.Clear() {
			l.refilter()
		}
		return true, nil
	case key.Matches(msg, keys.Filter):
		l.status = nextStatus(l.status)
		l.refilter()
		l.table.SetCursor(0)
		return true, nil
	case key.Matches(msg, nav.Sort):
		keep, had := l.selected()
		l.sort = data.KeySorts[(int(l.sort)+1)%len(data.KeySorts)]
		l.refilter()
		if had {
			l.selectID(keep.ID())
		}
		return true, nil
	}
	return false, nil
}

// nextStatus cycles all → Ready → … → Compromised → all.
func nextStatus(s model.Status) model.Status {
	if s == model.Compromised {
		return 0
	}
	return s + 1
}

func (l *list) view() string {
	st := l.c.Styles
	w := l.c.Width
	info := "loading…"
	if l.idx != nil {
		filter := "all statuses"
		if l.status != 0 {
			filter = l.status.String()
		}
		info = fmt.Sprintf("%s of %s · %s · sorted by %s", humanize.Comma(int64(len(l.rows))),
			humanize.Comma(int64(len(l.idx.Keys))), filter, l.sort)
	}
	left := st.Title.Render("Keys") + "  " + st.Subtle.Render(info)
	right := l.search.View(max(w/3, 20))
	line := table.Fit(left, max(w-lipgloss.Width(right)-1, 0)) + " " + right
	// The time of day only where there is room for it.
	changeFormat := history.TimeFormat
	if l.table.ColumnWidth(colLastChange) < len(history.TimeFormat) {
		changeFormat = "2006-01-02"
	}
	body := l.table.View(st, func(i int) []table.Cell {
		k := &l.idx.Keys[l.rows[i]]
		s := st.Status(k.Status())
		reason := ""
		if k.Reason() != model.NoReason {
			reason = k.Reason().String()
		}
		return []table.Cell{{Text: k.Serial()}, {Text: k.Model()}, {Text: k.Status().String(), Style: &s},
			{Text: reason}, {Text: k.Employee()}, {Text: k.Email()}, {Text: k.UpdatedAt().UTC().Format(changeFormat)}}
	})
	return table.Fit(line, w) + "\n" + body
}
