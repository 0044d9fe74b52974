package profiles

import (
	"fmt"
	"strings"

	"github.com/dustin/go-humanize"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/table"
)

// View draws the screen.
func (m *Model) View() string {
	if m.form != nil {
		return m.form.View()
	}
	st := m.Styles
	info := "loading…"
	if m.loaded {
		info = fmt.Sprintf("%d · the PIN policy each key carries to its device", len(m.profiles))
	}
	lines := []string{
		table.Fit(st.Title.Render("Access profiles")+"  "+st.Subtle.Render(info), m.Width),
		m.table.View(st, func(i int) []table.Cell {
			p := m.profiles[i]
			return []table.Cell{{Text: model.Printable(p.Name)}, {Text: common.PINWords(p.Profile)},
				{Text: common.ExpiryWords(p.PINExpiryDays)}, {Text: fmt.Sprint(p.WrongPINLimit)},
				{Text: yesNo(p.RequireButton)}, {Text: yesNo(p.RequireServerConfirm)}, {Text: humanize.Comma(int64(p.Keys))}}
		}),
		"",
	}
	if p, ok := m.selected(); ok {
		lines = append(lines, table.Fit(st.Label.Render("Selected")+st.Subtle.Render(about(p)), m.Width))
	} else {
		lines = append(lines, "")
	}
	lines = append(lines, common.BindingLines(st, "Actions", m.actions(), m.Width)...)
	return strings.Join(lines, "\n")
}

// about says what can be done with a profile, and why not.
func about(p store.ProfileUse) string {
	name := model.Printable(p.Name)
	switch {
	case p.IsDefault():
		return name + ": every key starts with it; it cannot be renamed or deleted"
	case p.Keys > 0:
		return fmt.Sprintf("%s: %s %s it; it can be deleted once none does", name, humanize.Comma(int64(p.Keys)), plural(p.Keys, "key has", "keys have"))
	}
	return name + ": no key has it"
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
