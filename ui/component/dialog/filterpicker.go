package dialog

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/dustin/go-humanize"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/styles"
	"github.com/keydesk/keydesk/ui/component/table"
)

// FilterChoices are the lines of a list's filter picker (`f` on the Keys
// and Employees screens): the choices, each what it filters by, its name
// and how many rows it keeps. A search looks in the first two.
type FilterChoices[C any] struct {
	Title, Body string
	KindWidth   int    // the "Filter by" column
	CountTitle  string // "Keys", "Employees"
	CountWidth  int
	Choices     []C
	Cells       func(C) (kind, name string, count int)
	Chosen      func(C) tea.Msg // the message that applies a choice
}

// OpenFilterPicker opens the picker; the chosen line's message comes
// back.
func OpenFilterPicker[C any](st *styles.Styles, f FilterChoices[C]) tea.Cmd {
	cells := func(i int32) (string, string, int) { return f.Cells(f.Choices[i]) }
	all := make([]int32, len(f.Choices))
	for i := range all {
		all[i] = int32(i)
	}
	src := PickerSource{
		Columns: []table.Column{
			{Title: "Filter by", Min: f.KindWidth},
			{Title: "Name", Min: 16, Flex: 3},
			{Title: f.CountTitle, Min: f.CountWidth},
		},
		Noun: "choices",
		Search: func(q string) []int32 {
			if q == "" {
				return all
			}
			var out []int32
			for _, i := range all {
				kind, name, _ := cells(i)
				if strings.Contains(strings.ToLower(kind+" "+name), q) {
					out = append(out, i)
				}
			}
			return out
		},
		Cells: func(i int32) []table.Cell {
			kind, name, n := cells(i)
			return []table.Cell{{Text: kind}, {Text: name}, {Text: humanize.Comma(int64(n))}}
		},
	}
	p := NewPicker(st, f.Title, src, func(i int32) tea.Cmd { return common.Cmd(f.Chosen(f.Choices[i])) })
	p.Body = f.Body
	return tea.Batch(common.Cmd(common.OpenDialogMsg{Dialog: p}), p.Init())
}
