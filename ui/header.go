package ui

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/dustin/go-humanize"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/table"
	"github.com/muesli/termenv"
)

// headerLines: the tabs, the counts and a rule.
const headerLines = 3

// header draws the tabs, who is working with their role, and the count
// of keys in each status.
func (a *app) header() string {
	st := a.Styles
	rule := st.Subtle.Render(strings.Repeat("─", a.width))
	line1 := a.tabLine()
	counts := a.counts()
	if len(counts) == 2 {
		// No room for the rule: the counts take its line.
		return table.Fit(line1, a.width) + "\n" + counts[0] + "\n" + counts[1]
	}
	return table.Fit(line1, a.width) + "\n" + table.Fit(counts[0], a.width) + "\n" + rule
}

// tabLine is the tabs at the left and "name · role" at the right. Where
// they do not fit, the tabs lose their padding first, then the name is
// shortened, then the title goes: the role always shows.
func (a *app) tabLine() string {
	st := a.Styles
	role := a.Access.Role().String()
	name := model.Printable(a.Access.Actor().Name)
	left := a.tabsText(false, true)
	if a.width-lipgloss.Width(left)-2 < lipgloss.Width(name)+3+len(role) {
		left = a.tabsText(true, true)
	}
	if a.width-lipgloss.Width(left)-2 < len(role) {
		left = a.tabsText(true, false)
	}
	room := a.width - lipgloss.Width(left) - 2
	var who string
	switch {
	case room >= lipgloss.Width(name)+3+len(role):
		who = name + " · " + role
	case room >= 4+3+len(role):
		who = table.Fit(name, room-3-len(role)) + " · " + role
	case room >= len(role):
		who = role
	default:
		return left
	}
	right := st.Subtle.Render(who)
	return left + strings.Repeat(" ", a.width-lipgloss.Width(left)-lipgloss.Width(right)) + right
}

// tabsText is "keydesk" (with title) and the session's screens, each
// with its digit; compact drops the space around each tab.
func (a *app) tabsText(compact, title bool) string {
	st := a.Styles
	plain := st.Renderer.ColorProfile() == termenv.Ascii
	tab, active := st.Tab, st.ActiveTab
	if compact {
		tab, active = tab.Padding(0), active.Padding(0)
	}
	var parts []string
	if title {
		parts = append(parts, st.Title.Render("keydesk"))
	}
	for _, i := range a.tabs() {
		label := tabDigits[i] + " " + a.screens[i].Title()
		switch {
		case i == a.active && plain:
			parts = append(parts, "["+label+"]") // no colour to show it
		case i == a.active:
			parts = append(parts, active.Render(label))
		default:
			parts = append(parts, tab.Render(label))
		}
	}
	return strings.Join(parts, " ")
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
