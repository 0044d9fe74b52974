package common

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/keydesk/keydesk/ui/component/styles"
)

// FieldLines writes a free text (a note) after its label, wrapped to
// width so that all of it can be read; every line after the first is
// indented under the first. It takes at most maxLines (at least one):
// when the text needs more, the last line ends with "…".
func FieldLines(st *styles.Styles, label, text string, width, maxLines int) []string {
	head := st.Label.Render(label)
	indent := lipgloss.Width(head)
	wrapped := Wrap(text, width-indent, max(maxLines, 1))
	lines := []string{head}
	for i, l := range wrapped {
		if i > 0 {
			lines = append(lines, strings.Repeat(" ", indent))
		}
		lines[i] += st.Text.Render(l)
	}
	return lines
}

// Wrap breaks text into lines of at most width columns, between words
// where it can and inside a word longer than a line. When that takes more
// than maxLines, the last line kept ends with "…" to say there is more.
func Wrap(text string, width, maxLines int) []string {
	if width <= 0 || maxLines <= 0 {
		return nil
	}
	var lines []string
	for _, l := range strings.Split(ansi.Wrap(text, width, ""), "\n") {
		lines = append(lines, strings.TrimRight(l, " "))
	}
	if len(lines) <= maxLines {
		return lines
	}
	lines = lines[:maxLines]
	last := lines[maxLines-1]
	if ansi.StringWidth(last) >= width {
		last = ansi.Truncate(last, width-1, "")
	}
	lines[maxLines-1] = last + "…"
	return lines
}
