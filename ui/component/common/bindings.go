package common

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/keydesk/keydesk/ui/component/styles"
)

// BindingLines writes bindings after a label ("Actions  e edit · D
// delete"), wrapped to width; every line after the first is indented
// under the first binding.
func BindingLines(st *styles.Styles, label string, bs []key.Binding, width int) []string {
	indent := lipgloss.Width(st.Label.Render(label))
	if len(bs) == 0 {
		return []string{st.Label.Render(label) + st.Subtle.Render("none")}
	}
	sep := st.Subtle.Render(" · ")
	var lines []string
	line, used := st.Label.Render(label), indent
	first := true
	for _, b := range bs {
		item := st.HelpKey.Render(b.Help().Key) + " " + st.HelpDesc.Render(b.Help().Desc)
		w := lipgloss.Width(item)
		if !first && used+3+w > width {
			lines = append(lines, line)
			line, used, first = strings.Repeat(" ", indent), indent, true
		}
		if !first {
			line += sep
			used += 3
		}
		line += item
		used += w
		first = false
	}
	return append(lines, line)
}
