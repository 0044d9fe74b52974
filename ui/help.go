package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/styles"
	"github.com/keydesk/keydesk/ui/screen/keys"
)

// newHelp is the help bubble in keydesk's styles (its defaults are drawn
// by the process's renderer, not the session's).
func newHelp(st *styles.Styles) help.Model {
	h := help.New()
	h.Styles = help.Styles{
		Ellipsis:       st.Subtle,
		ShortKey:       st.HelpKey,
		ShortDesc:      st.HelpDesc,
		ShortSeparator: st.Subtle,
		FullKey:        st.HelpKey,
		FullDesc:       st.HelpDesc,
		FullSeparator:  st.Subtle,
	}
	return h
}

// footerHelp is the keys that work now, for the footer line.
func (a *app) footerHelp() []key.Binding {
	switch {
	case a.dialog != nil:
		return nil // a dialog lists its keys inside its box
	case a.code != nil:
		return a.code.help()
	case a.showHelp:
		return []key.Binding{key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc/?", "close help"))}
	case a.current().Capturing():
		return a.current().ShortHelp()
	}
	return append(a.current().ShortHelp(), a.keys.Help, a.keys.Quit)
}

// helpView is the full help: every key of the screen in columns, then
// the keys that work everywhere.
func (a *app) helpView(width, height int) string {
	st := a.Styles
	box := st.Box.Padding(1, 2)
	inner := width - box.GetHorizontalFrameSize() - 2
	h := a.help
	h.Width = inner
	lines := []string{st.Title.Render(a.current().Title() + " — keys"), "", h.FullHelpView(a.current().FullHelp()), ""}
	everywhere := a.keys.all(a.tabs())
	if a.Access.May(model.OpDirectorySync) {
		everywhere = append(everywhere, a.keys.Directory) // the directory sync's preview, for admins
	}
	lines = append(lines, common.BindingLines(st, "Everywhere", everywhere, inner)...)
	// Notes below the keys, the most needed first, as many as fit.
	var notes []string
	if a.active == tabKeys && a.Remote && a.Access.May(model.OpImportKeys) {
		hint := keys.RemoteImportHint
		notes = append(notes, strings.ToUpper(hint[:1])+hint[1:])
	}
	if a.active == tabCall {
		notes = append(notes, "A code is shown only when you press c, and every showing is in the audit trail.")
	}
	if a.active == tabEmployees || a.active == tabKeys || a.active == tabCall {
		notes = append(notes, a.notOfferedNote())
	}
	used := lipgloss.Height(strings.Join(lines, "\n")) + box.GetVerticalFrameSize()
	for _, n := range notes {
		wrapped := common.Wrap(n, inner, 2)
		if used+1+len(wrapped) > height {
			break
		}
		lines = append(lines, "")
		for _, l := range wrapped {
			lines = append(lines, st.Subtle.Render(l))
		}
		used += 1 + len(wrapped)
	}
	return lipgloss.Place(width, height, lipgloss.Center, lipgloss.Center, box.Render(strings.Join(lines, "\n")))
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
// ends (never in the middle of a key).
func shortHelp(st *styles.Styles, bindings []key.Binding, width int) string {
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
