package keys

import (
	"fmt"
	"strings"

	"github.com/dustin/go-humanize"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/data"
	"github.com/keydesk/keydesk/ui/component/history"
	"github.com/keydesk/keydesk/ui/component/rowlist"
	"github.com/keydesk/keydesk/ui/component/table"
)

// colLastChange is the index of the "Changed" column.
const colLastChange = 8

// list is the table of keys with its filter (by status or by licence
// status), search and sort.
type list struct {
	rowlist.Model[data.KeyRow]
	c      *common.Common
	idx    *data.Index
	sort   data.KeySort
	filter keyFilter
}

func newList(c *common.Common) list {
	return list{c: c, Model: rowlist.New(c.Styles, (*data.KeyRow).ID,
		table.Column{Title: "Serial", Min: 16, Max: 24, Flex: 1},
		table.Column{Title: "Model", Min: 9, Max: 16, Flex: 1, Drop: 3},
		table.Column{Title: "Status", Min: 11, Max: 11},
		table.Column{Title: "Reason", Min: 10, Max: 21, Flex: 1, Drop: 2},
		table.Column{Title: "Employee", Min: 14, Max: 40, Flex: 3},
		table.Column{Title: "E-mail", Min: 24, Max: 44, Flex: 2, Drop: 6},
		table.Column{Title: "Profile", Min: 10, Max: 20, Flex: 1, Drop: 5},
		table.Column{Title: "Licence", Min: 8, Max: 8, Drop: 4},
		table.Column{Title: "Changed", Min: 10, Max: 16, Flex: 1, Drop: 1},
	)}
}

// setIndex shows new data, keeping the cursor on the same key.
func (l *list) setIndex(idx *data.Index) {
	l.KeepSelection(func() {
		l.idx = idx
		l.Refilter()
	})
}

func (l *list) Refilter() {
	if l.idx == nil {
		return
	}
	l.Table.Empty = "no keys"
	if l.filter.active() {
		l.Table.Empty = "no keys: the filter (" + l.filter.String() + ") hides the others — esc clears it"
	}
	keys := l.idx.Keys
	// The search's best matches first (shared by the sessions), then the
	// session's own filter.
	l.Show(keys, data.Filter(l.idx.FindKeys(l.Search.Query(), l.sort), l.filter.keep(keys)))
}

// showAll drops the search and the filter so that any key can be shown.
func (l *list) showAll() {
	l.Search.Clear()
	l.ClearFilter()
	l.Refilter()
}

// FilterOn, ClearFilter and NextSort are the list's own filter and
// orders, for rowlist.UpdateFiltered.
func (l *list) FilterOn() bool { return l.filter.active() }
func (l *list) ClearFilter()   { l.filter = keyFilter{} }
func (l *list) NextSort()      { l.sort = data.KeySorts[(int(l.sort)+1)%len(data.KeySorts)] }

func (l *list) view() string {
	st := l.c.Styles
	l.Table.MustShow(l.sortedColumn())
	info := "loading…"
	if l.idx != nil {
		filter := "no filter"
		if l.filter.active() {
			filter = "filter: " + l.filter.String() + " · esc clears it"
		}
		info = fmt.Sprintf("%s of %s · %s · sorted by %s", humanize.Comma(int64(l.Len())),
			humanize.Comma(int64(l.idx.KeyCount())), filter, l.sort)
	}
	// The time of day only where there is room for it.
	changeFormat := history.TimeFormat
	if l.Table.ColumnWidth(colLastChange) < len(history.TimeFormat) {
		changeFormat = "2006-01-02"
	}
	return l.View(st, l.c.Width, "Keys", info, func(k *data.KeyRow) []table.Cell {
		s := st.Status(k.Status())
		reason := ""
		if k.Reason() != model.NoReason {
			reason = k.Reason().Words()
		}
		licence := table.Cell{}
		if l := k.Licence(); l != model.LicenceNone {
			ls := st.Licence(l)
			licence = table.Cell{Text: l.String(), Style: &ls}
		}
		return []table.Cell{{Text: k.Serial()}, {Text: k.Model()}, {Text: k.Status().String(), Style: &s},
			{Text: reason}, {Text: k.Employee()}, {Text: k.Email()}, {Text: k.ProfileName()}, licence,
			{Text: k.UpdatedAt().UTC().Format(changeFormat)}}
	})
}

// sortedColumn is the column the rows are sorted by, kept on screen
// whatever the width: an order that cannot be seen is no use.
func (l *list) sortedColumn() int {
	switch strings.ToLower(l.sort.String()) {
	case "status":
		return 2
	case "employee":
		return 4
	case "licence end":
		return 7
	case "last change":
		return colLastChange
	}
	return 0
}
