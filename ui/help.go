package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/importfile"
	"github.com/keydesk/keydesk/ui/component/styles"
	"github.com/keydesk/keydesk/ui/component/table"
)

// footerHelp is the keys that work now, for the footer line.
func (a *app) footerHelp() []key.Binding {
	switch {
	case a.dialog != nil:
		return nil // a dialog lists its keys inside its box
	case a.code != nil:
		return a.code.help()
	case a.showHelp:
		return []key.Binding{
			key.NewBinding(key.WithKeys("down"), key.WithHelp("↑/↓ pgup/pgdn", "scroll")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc/?", "close help")),
		}
	case a.current().Capturing():
		return a.current().ShortHelp()
	}
	return append(a.current().ShortHelp(), a.keys.Help, a.keys.Quit)
}

// footerTail is what the footer keeps whatever the width: `? help` and
// `q quit` wherever they work, so the way to every other key is always
// on screen.
func (a *app) footerTail() int {
	if a.dialog != nil || a.code != nil || a.showHelp || a.current().Capturing() {
		return 0
	}
	return 2
}

// helpView is the full help: every key of the screen in columns, then
// the keys that work everywhere.
func (a *app) helpView(width, height int) string {
	st := a.Styles
	box := st.Box.Padding(1, 2)
	inner := width - box.GetHorizontalFrameSize() - 2
	lines := []string{st.Title.Render("Keys of the " + a.current().Title() + " screen"), ""}
	lines = append(lines, helpColumns(st, a.current().FullHelp(), inner)...)
	lines = append(lines, "")
	everywhere := a.keys.all(a.tabs())
	if a.Access.May(model.OpDirectorySync) {
		everywhere = append(everywhere, a.keys.Directory) // the directory sync's preview, for admins
	}
	lines = append(lines, common.BindingLines(st, "Everywhere", everywhere, inner)...)
	// Notes below the keys, the most needed first, as many as fit.
	var notes []string
	if what, ok := a.importsHere(); ok && a.Remote {
		hint := importfile.RemoteHint(what)
		notes = append(notes, strings.ToUpper(hint[:1])+hint[1:])
	}
	if a.active == tabCall {
		notes = append(notes, "A code is shown only when you press c, and every showing is in the audit trail.")
	}
	if a.active == tabEmployees || a.active == tabKeys || a.active == tabCall {
		notes = append(notes, a.notOfferedNote())
	}
	for _, n := range notes {
		lines = append(lines, "")
		for _, l := range common.Wrap(n, inner, 8) {
			lines = append(lines, st.Subtle.Render(l))
		}
	}
	all := strings.Split(box.Render(strings.Join(lines, "\n")), "\n")
	if len(all) <= height {
		a.helpOffset = 0
		return lipgloss.Place(width, height, lipgloss.Center, lipgloss.Center, strings.Join(all, "\n"))
	}
	// Taller than the screen: it scrolls, and says how much is left.
	room := height - 1
	a.helpOffset = max(min(a.helpOffset, len(all)-room), 0)
	shown := all[a.helpOffset : a.helpOffset+room]
	below := len(all) - room - a.helpOffset
	var more string
	switch {
	case below > 0 && a.helpOffset > 0:
		more = fmt.Sprintf("↑/↓ scroll · %d more lines below", below)
	case below > 0:
		more = fmt.Sprintf("↓ scroll · %d more lines below", below)
	default:
		more = "↑ scroll back · end of the help"
	}
	body := lipgloss.PlaceHorizontal(width, lipgloss.Center, strings.Join(shown, "\n"))
	return body + "\n" + lipgloss.PlaceHorizontal(width, lipgloss.Center, st.Subtle.Render(more))
}

// scrollHelp moves the help by a key; it reports whether the key was one
// that scrolls.
func (a *app) scrollHelp(k tea.KeyMsg) bool {
	page := max(a.bodyHeight()-2, 1)
	switch k.String() {
	case "down", "j":
		a.helpOffset++
	case "up", "k":
		a.helpOffset--
	case "pgdown", " ", "space":
		a.helpOffset += page
	case "pgup":
		a.helpOffset -= page
	case "home", "g":
		a.helpOffset = 0
	case "end", "G":
		a.helpOffset = 1 << 20
	default:
		return false
	}
	a.helpOffset = max(a.helpOffset, 0)
	return true
}

// helpColumns lays the groups of keys side by side while they fit, then
// on further rows: never cut (the help scrolls instead).
func helpColumns(st *styles.Styles, groups [][]key.Binding, width int) []string {
	var out, row []string
	rowWidth := 0
	flush := func() {
		if len(row) > 0 {
			out = append(out, row...)
			out = append(out, "")
		}
		row, rowWidth = nil, 0
	}
	for _, g := range groups {
		var col []string
		keyWidth := 0
		for _, b := range g {
			if b.Enabled() {
				keyWidth = max(keyWidth, lipgloss.Width(b.Help().Key))
			}
		}
		colWidth := 0
		for _, b := range g {
			if !b.Enabled() {
				continue
			}
			k := b.Help().Key
			line := st.HelpKey.Render(k) + strings.Repeat(" ", keyWidth-lipgloss.Width(k)+1) + st.HelpDesc.Render(b.Help().Desc)
			col = append(col, line)
			colWidth = max(colWidth, lipgloss.Width(line))
		}
		if len(col) == 0 {
			continue
		}
		if colWidth > width-1 {
			for i := range col {
				col[i] = table.Fit(col[i], width)
			}
			colWidth = width
		}
		if rowWidth > 0 && rowWidth+4+colWidth > width {
			flush()
		}
		gap := 0
		if rowWidth > 0 {
			gap = 4
		}
		for i := range col {
			if i >= len(row) {
				row = append(row, strings.Repeat(" ", rowWidth))
			}
			row[i] += strings.Repeat(" ", rowWidth-lipgloss.Width(row[i])+gap) + col[i]
		}
		for i := len(col); i < len(row); i++ {
			row[i] += strings.Repeat(" ", gap+colWidth)
		}
		rowWidth += gap + colWidth
	}
	flush()
	if len(out) > 0 {
		out = out[:len(out)-1]
	}
	return out
}

// notOfferedNote says why some actions are missing: the key's status,
// and for a role that is not admin, the role.
func (a *app) notOfferedNote() string {
	if role := a.Access.Role(); role != model.RoleAdmin {
		return "Actions that a key's status or your role (" + role.String() + ") does not allow are not offered."
	}
	return "Actions that a key's status does not allow are not offered."
}

// shortHelp is the footer's line of keys, cut with "…" where the width
// ends (never in the middle of a key); the last keep keys always stay,
// the others give way before them.
func shortHelp(st *styles.Styles, bindings []key.Binding, width int, keep int) string {
	if keep > 0 && keep <= len(bindings) {
		head, tail := bindings[:len(bindings)-keep], bindings[len(bindings)-keep:]
		tailLine := shortHelp(st, tail, width, 0)
		room := width - lipgloss.Width(tailLine) - 3
		for len(head) > 0 && lipgloss.Width(shortHelp(st, head, 1<<20, 0)) > room-2 {
			head = head[:len(head)-1]
		}
		if len(head) == 0 {
			return tailLine
		}
		line := shortHelp(st, head, 1<<20, 0)
		if len(head) < len(bindings)-keep {
			line += st.Subtle.Render(" …")
		}
		return line + st.Subtle.Render(" • ") + tailLine
	}
	var b strings.Builder
	used := 0
	sep := st.Subtle.Render(" • ")
	for i, kb := range bindings {
		if !kb.Enabled() {
			continue
		}
		item := st.HelpKey.Render(kb.Help().Key) + " " + st.HelpDesc.Render(kb.Help().Desc)
		w := lipgloss.Width(kb.Help().Key) + 1 + lipgloss.Width(kb.Help().Desc)
		if used > 0 {
			w += 3
		}
		rest := i < len(bindings)-1
		if used+w > width || (rest && used+w+2 > width) {
			if used+2 <= width {
				b.WriteString(st.Subtle.Render(" …"))
			}
			break
		}
		if used > 0 {
			b.WriteString(sep)
		}
		b.WriteString(item)
		used += w
	}
	return b.String()
}

// importsHere is what the current screen's `i` imports, if the role may.
func (a *app) importsHere() (what string, ok bool) {
	switch {
	case a.active == tabKeys && a.Access.May(model.OpImportKeys):
		return "keys", true
	case a.active == tabEmployees && a.Access.May(model.OpImportEmployees):
		return "employees", true
	}
	return "", false
}
