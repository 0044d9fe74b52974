package keyaction

import (
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/dialog"
	"github.com/keydesk/keydesk/ui/component/table"
)

// pickProfile gives the key another access profile: choose among the
// profiles but the one it has. The key applies it at its next connection.
func (a action) pickProfile() tea.Cmd {
	idx, st, actor, ref, serial := a.idx, a.c.Store, a.c.Actor, a.key.Ref(), a.key.Serial()
	var others []int32
	for i, p := range idx.Profiles {
		if cur := a.key.Profile(); cur == nil || p.ID != cur.ID {
			others = append(others, int32(i))
		}
	}
	src := dialog.PickerSource{
		Columns: []table.Column{
			{Title: "Profile", Min: 14, Flex: 3},
			{Title: "PIN", Min: 11},
			{Title: "Wrong PINs", Min: 10},
			{Title: "Keys", Min: 7, Drop: 1},
		},
		Noun: "other profiles",
		Search: func(q string) []int32 {
			var out []int32
			for _, i := range others {
				if strings.Contains(strings.ToLower(idx.Profiles[i].Name), q) {
					out = append(out, i)
				}
			}
			return out
		},
		Cells: func(i int32) []table.Cell {
			p := &idx.Profiles[i]
			return []table.Cell{{Text: model.Printable(p.Name)}, {Text: common.PINWords(p.Profile)},
				{Text: fmt.Sprint(p.WrongPINLimit)}, {Text: fmt.Sprint(p.Keys)}}
		},
	}
	p := dialog.NewPicker(a.c.Styles, "Profile for key "+serial+"…", src, func(i int32) tea.Cmd {
		name := idx.Profiles[i].Name
		return func() tea.Msg {
			k, err := st.SetKeyProfile(actor, ref, name)
			if err != nil {
				return common.ErrMsg{Err: err}
			}
			text := fmt.Sprintf("key %s: profile %s", model.Printable(k.Serial), model.Printable(name))
			if k.ProfilePending() {
				text += ", pending until the key next connects"
			}
			return common.InfoMsg{Text: text}
		}
	})
	p.Body = "It has " + a.key.ProfileName() + ". The new one reaches the key when it next connects."
	return open(p)
}
