package ui

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/dustin/go-humanize"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/component/data"
	"github.com/keydesk/keydesk/ui/component/styles"
	"github.com/keydesk/keydesk/ui/component/table"
	"github.com/muesli/termenv"
)

// headerLines: the tabs, the counts and a rule.
const headerLines = 3

// header draws the tabs, who is working with their role, and the count
// of keys in each status.
func (a *app) header() string {
	rule, alert := a.headerRule()
	line1 := a.tabLine()
	counts := a.counts()
	if len(counts) == 2 && !alert {
		// No room for the rule: the counts take its line.
		return table.Fit(line1, a.width) + "\n" + counts[0] + "\n" + counts[1]
	}
	return table.Fit(line1, a.width) + "\n" + table.Fit(counts[0], a.width) + "\n" + rule
}

// tabLine is the tabs at the left and "name · role" at the right. Where
// they do not fit, the tabs lose their padding first, then the title
// goes, then the name is shortened, then the last tabs lose their names
// (their digits stay): the role always shows.
func (a *app) tabLine() string {
	st := a.Styles
	role := a.Access.Role().String()
	name := model.Printable(a.Access.Actor().Name)
	full, shortened := lipgloss.Width(name)+3+len(role), 4+3+len(role)
	// The levels, each drawn only when asked for (the header is drawn at
	// every frame): three with every tab named, then the last ones bare.
	const named = 3
	levels := make([]string, named+len(a.tabs())-1)
	level := func(i int) string {
		if levels[i] == "" {
			switch i {
			case 0:
				levels[i] = a.tabsText(false, true, 0)
			case 1:
				levels[i] = a.tabsText(true, true, 0)
			default:
				levels[i] = a.tabsText(true, false, i-2)
			}
		}
		return levels[i]
	}
	room := func(left string) int { return a.width - lipgloss.Width(left) - 2 }
	left := ""
	for _, try := range []struct{ upTo, need int }{{named, full}, {named, shortened}, {len(levels), len(role)}} {
		for i := 0; i < try.upTo && left == ""; i++ {
			if room(level(i)) >= try.need {
				left = level(i)
			}
		}
	}
	if left == "" {
		left = level(len(levels) - 1)
	}
	var who string
	switch r := room(left); {
	case r >= full:
		who = name + " · " + role
	case r >= shortened:
		who = table.Fit(name, r-3-len(role)) + " · " + role
	case r >= len(role):
		who = role
	default:
		return left
	}
	right := st.Subtle.Render(who)
	return left + strings.Repeat(" ", a.width-lipgloss.Width(left)-lipgloss.Width(right)) + right
}

// tabsText is "keydesk" (with title) and the session's screens, each
// with its digit; compact drops the space around each tab; the last bare
// tabs other than the current one show their digit alone.
func (a *app) tabsText(compact, title bool, bare int) string {
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
	tabs := a.tabs()
	for n, i := range tabs {
		label := tabDigits[i] + " " + a.screens[i].Title()
		switch {
		case i == a.active && plain:
			parts = append(parts, "["+label+"]") // no colour to show it
		case i == a.active:
			parts = append(parts, active.Render(label))
		case n >= len(tabs)-bare:
			parts = append(parts, tab.Render(tabDigits[i]))
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
	if item, width := licenceItem(st, idx); width > 0 {
		items, widths = append(items, item), append(widths, width)
	}
	if item, width := directoryItem(st, idx); width > 0 {
		items, widths = append(items, item), append(widths, width)
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

// licenceItem is "Licences 3 critical, 1 expired": the keys whose licence
// needs attention, when there are any (width 0: none).
func licenceItem(st *styles.Styles, idx *data.Index) (string, int) {
	var parts, plain []string
	for _, l := range []model.LicenceStatus{model.LicenceCritical, model.LicenceExpired} {
		if n := idx.LicenceCount(l); n > 0 {
			text := humanize.Comma(int64(n)) + " " + l.String()
			parts = append(parts, st.Licence(l).Render(text))
			plain = append(plain, text)
		}
	}
	if len(parts) == 0 {
		return "", 0
	}
	label := "Licences "
	return st.Subtle.Render(label) + strings.Join(parts, st.Subtle.Render(", ")), len(label) + len(strings.Join(plain, ", "))
}
