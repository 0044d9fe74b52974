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

// headerLines: the tabs, then the counts, on one line each at any
// width (80 columns included).
const headerLines = 2

// header draws the tabs, who is working with their role, and the count
// of keys in each status.
func (a *app) header() string {
	header := table.Fit(a.tabLine(), a.width) + "\n" + a.counts()
	if alert, ok := a.headerAlert(); ok {
		header += "\n" + alert // an admin's alert: a third line while it lasts
	}
	if line, ok := a.clusterLine(); ok {
		header += "\n" + line // a cluster node's name and role (clusterheader.go)
	}
	return header
}

// headerHeight is the header's lines: two, three while an alert shows.
func (a *app) headerHeight() int {
	n := headerLines
	if _, ok := a.headerAlert(); ok {
		n++
	}
	if _, ok := a.clusterLine(); ok {
		n++
	}
	return n
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

// countItem is one count of the header line, with how much it matters
// when the line is short of room (the highest stays longest).
type countItem struct {
	text     string
	width    int
	priority int
}

// countPriority: what a helpdesk or an admin acts on first stays when
// the line is short: what waits for an admin, Locked and Suspended keys
// (calls), the keys in use and the stock; the keys out of use last.
var countPriority = map[model.Status]int{
	model.Locked: 70, model.Suspended: 60, model.Reserved: 50, model.Active: 40,
	model.Ready: 30, model.Deactivated: 20, model.Compromised: 10,
}

// Licences running out come after the statuses of keys in use (the
// Keys screen's filter has them), and what waits for an admin first.
const licencePriority, waitingPriority = 25, 100

// directoryPriority: a refused sync or leavers' keys about to be
// withdrawn are an admin's to act on, after the keys reported lost.
const directoryPriority = 90

// counts is "Ready 12 · Reserved 3 · …" on one line: where the width is
// short, the least pressing counts give way to a "…" (the Keys screen
// has them all, `f`).
func (a *app) counts() string {
	st := a.Styles
	idx := a.countsIndex()
	if idx == nil {
		return st.Subtle.Render("loading…")
	}
	var items []countItem
	if n := len(idx.ReportedLost()); n > 0 {
		text := "Reported lost " + humanize.Comma(int64(n))
		items = append(items, countItem{st.Warning.Bold(true).Render(text), len(text), waitingPriority})
	}
	for _, s := range model.Statuses {
		n := humanize.Comma(int64(idx.Count(s)))
		items = append(items, countItem{st.Status(s).Render(s.String()) + " " + st.Text.Render(n), len(s.String()) + 1 + len(n), countPriority[s]})
	}
	if item, width := licenceItem(st, idx); width > 0 {
		items = append(items, countItem{item, width, licencePriority})
	}
	if item, width := directoryItem(st, idx); width > 0 {
		items = append(items, countItem{item, width, directoryPriority})
	}
	sep, sepWidth := st.Subtle.Render(" · "), 3
	fits := func(items []countItem, more bool) bool {
		total := -sepWidth
		for _, it := range items {
			total += it.width + sepWidth
		}
		if more {
			total += 2
		}
		return total <= a.width
	}
	if !fits(items, false) {
		sep, sepWidth = "  ", 2 // closer together before any goes
	}
	dropped := false
	for !fits(items, dropped) && len(items) > 1 {
		low := 0
		for i, it := range items {
			if it.priority < items[low].priority {
				low = i
			}
		}
		items = append(items[:low], items[low+1:]...)
		dropped = true
	}
	texts := make([]string, len(items))
	for i, it := range items {
		texts[i] = it.text
	}
	line := strings.Join(texts, sep)
	if dropped {
		line += st.Subtle.Render(" …")
	}
	return table.Fit(line, a.width)
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
