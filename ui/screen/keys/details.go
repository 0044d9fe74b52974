package keys

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/data"
	"github.com/keydesk/keydesk/ui/component/history"
	"github.com/keydesk/keydesk/ui/component/keyaction"
	"github.com/keydesk/keydesk/ui/component/styles"
	"github.com/keydesk/keydesk/ui/component/table"
)

// pageView is one key's page: its fields, the actions its status allows,
// and its history.
func (m *Model) pageView() string {
	st := m.Styles
	w := m.Width
	id, _ := m.page.ID()
	k, ok := m.idx.Key(id)
	if !ok {
		return st.Subtle.Render("This key no longer exists.")
	}
	half := min(max(w/2, 30), 50) // pairs stay close on wide terminals
	pair := func(l1, v1, l2, v2 string) string {
		return st.Label.Render(l1) + st.Text.Render(table.Fit(v1, half-15)) + " " + st.Label.Render(l2) + st.Text.Render(v2)
	}
	status := st.Status(k.Status()).Render(k.Status().String())
	holder := st.Subtle.Render("nobody")
	if last := k.LastHolder(); last != "" {
		holder += st.Subtle.Render("  · last held by ") + st.Text.Render(last)
	}
	if k.Employee() != "" {
		holder = st.Text.Render(fmt.Sprintf("%s <%s>", k.Employee(), k.Email())) + st.Subtle.Render("  · enter opens the employee")
	}
	fields := []string{
		titleLine(st, k, st.Title.Render("Key "+k.Serial())+"  "+status, w),
		pair("MAC", dash(k.MAC()), "Model", dash(k.Model())),
		pair("RFID", dash(k.RFID()), "Firmware", dash(k.Firmware())),
		st.Label.Render("Status") + st.Text.Render(model.StatusWords(k.Status(), k.Reason())),
	}
	fields = append(fields, profileLines(st, k, half)...)
	fields = append(fields, st.Label.Render("Employee")+holder)
	changed := pair("Imported", k.ImportedAt().UTC().Format(history.TimeFormat), "Last change", k.UpdatedAt().UTC().Format(history.TimeFormat))
	var actionLines []string
	allowed := m.actions.Bindings(keyaction.Target{Key: k})
	switch {
	case len(allowed) == 0 && len(model.AdminActions(k.Status())) == 0:
		actionLines = []string{st.Label.Render("Actions") + st.Subtle.Render(fmt.Sprintf("none: %s is final", k.Status()))}
	case len(allowed) == 0 && model.IsReportedLost(k.Status(), k.Reason()):
		actionLines = []string{st.Label.Render("Actions") + st.Subtle.Render("none for you: it waits for an admin to mark it compromised")}
	case len(allowed) == 0:
		actionLines = []string{st.Label.Render("Actions") + st.Subtle.Render(fmt.Sprintf("none for your role (%s)", m.Access.Role()))}
	default:
		actionLines = common.BindingLines(st, "Actions", allowed, w)
	}
	// The note is free text of up to 500 characters: it gets every line
	// the page can spare, down to the history's header and one entry,
	// and the blank line above the history when it needs that too.
	spare := m.Height - len(fields) - 1 - len(actionLines) - history.BelowLines - history.MinLines
	tight := len(common.Wrap(dash(k.Note()), w-lipgloss.Width(st.Label.Render("")), spare+2)) > spare
	if tight {
		spare++
	}
	lines := append(fields, common.FieldLines(st, "Note", dash(k.Note()), w, spare)...)
	lines = append(lines, changed)
	for i := range lines {
		lines[i] = table.Fit(lines[i], w)
	}
	lines = append(lines, actionLines...)
	if tight {
		return m.page.History().BelowTight(st, lines, w, m.Height)
	}
	return m.page.History().Below(st, lines, w, m.Height)
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// titleLine is the page's title with, on the right, the key's licence:
// its end date and status today, and the days left where they fit.
func titleLine(st *styles.Styles, k *data.KeyRow, title string, width int) string {
	var long, short string
	if k.Licence() == model.LicenceNone {
		long = st.Subtle.Render("no licence")
		short = long
	} else {
		head := st.Label.UnsetWidth().Render("licence until ") + st.Text.Render(model.FormatLicenceDate(k.LicenceUntil())) + st.Subtle.Render(" · ")
		status := k.Licence().String()
		short = head + st.Licence(k.Licence()).Render(status)
		if left := k.LicenceDaysLeft(); left > 0 {
			long = head + st.Licence(k.Licence()).Render(fmt.Sprintf("%s, %d %s left", status, left, plural(left, "day", "days")))
		} else {
			long = short
		}
	}
	for _, right := range []string{long, short} {
		if gap := width - lipgloss.Width(title) - lipgloss.Width(right); gap >= 2 {
			return title + strings.Repeat(" ", gap) + right
		}
	}
	return title
}

// profileLines are the key's profile and, beside it under the status and
// its reason, how many wrong PINs lock the key (the device reports the
// lock: device pin-locked). While a change is pending, a second line says
// what the device still enforces.
func profileLines(st *styles.Styles, k *data.KeyRow, half int) []string {
	name := k.ProfileName()
	if k.ProfilePending() {
		name += " (pending)"
	}
	limit := "—"
	if p := k.Profile(); p != nil {
		limit = fmt.Sprintf("%d, then Locked", p.WrongPINLimit)
	}
	lines := []string{st.Label.Render("Profile") + st.Text.Render(table.Fit(name, half-15)) + " " +
		st.Label.Render("Wrong PINs") + st.Text.Render(limit)}
	if k.ProfilePending() {
		was := k.AppliedProfileName()
		if was == "" {
			was = "a deleted profile"
		}
		lines = append(lines, st.Label.Render("")+st.Subtle.Render("the key keeps "+was+" until it next connects and applies "+k.ProfileName()))
	}
	return lines
}
