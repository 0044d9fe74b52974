package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/dustin/go-humanize"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/table"
	"github.com/muesli/termenv"
)

// headerLines: the tabs, the counts and a rule.
const headerLines = 3

// header draws the tabs, who is working, and the count of keys in each
// status.
func (a *app) header() string {
	st := a.Styles
	plain := st.Renderer.ColorProfile() == termenv.Ascii
	tabs := []string{st.Title.Render("keydesk")}
	for i, s := range a.screens {
		label := fmt.Sprintf("%d %s", i+1, s.Title())
		switch {
		case i == a.active && plain:
			tabs = append(tabs, "["+label+"]") // no colour to show it
		case i == a.active:
			tabs = append(tabs, st.ActiveTab.Render(label))
		default:
			tabs = append(tabs, st.Tab.Render(label))
		}
	}
	left := strings.Join(tabs, " ")
	actor := st.Subtle.Render(model.Printable(a.Actor.Name))
	gap := a.width - lipgloss.Width(left) - lipgloss.Width(actor)
	line1 := left
	if gap >= 2 {
		line1 = left + strings.Repeat(" ", gap) + actor
	}
	rule := st.Subtle.Render(strings.Repeat("─", a.width))
	counts := a.counts()
	if len(counts) == 2 {
		// No room for the rule: the counts take its line.
		return table.Fit(line1, a.width) + "\n" + counts[0] + "\n" + counts[1]
	}
	return table.Fit(line1, a.width) + "\n" + table.Fit(counts[0], a.width) + "\n" + rule
}

// counts is "Ready 12 · Reserved 3 · …" on one line, or on two when one is
// too narrow (the status words are never shortened).
func (a *app) counts() []string {
	st := a.Styles
	idx := a.countsIndex()
	if idx == nil {
		return []string{st.Subtle.Render("loading…")}
	}
	items := make([]string, len(model.Statuses))
	widths := make([]int, len(model.Statuses))
	for i, s := range model.Statuses {
		n := humanize.Comma(int64(idx.Count(s)))
		items[i] = st.Status(s).Render(s.String()) + " " + st.Text.Render(n)
		widths[i] = len(s.String()) + 1 + len(n)
	}
	sep := st.Subtle.Render(" · ")
	total := 0
	for _, w := range widths {
		total += w + 3
	}
	if total-3 <= a.width {
		return []string{strings.Join(items, sep)}
	}
	// Split where the first line is as full as it can be.
	split, used := 0, 0
	for i, w := range widths {
		if used+w > a.width {
			break
		}
		used += w + 3
		split = i + 1
	}
	split = max(split, 1)
	return []string{
		table.Fit(strings.Join(items[:split], sep), a.width),
		table.Fit(strings.Join(items[split:], sep), a.width),
	}
}
