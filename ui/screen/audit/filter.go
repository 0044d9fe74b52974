package audit

import (
	"errors"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/dialog"
)

// filter keeps the entries of an actor, an action, a key and an
// employee, each a part of what the screen shows (case does not
// matter), all of those given together.
type filter struct {
	actor, action, key, employee string
}

func (f filter) active() bool { return f != filter{} }

// String names the filter on the title line: "actor helen + key KD-1".
func (f filter) String() string {
	var parts []string
	for _, p := range [][2]string{{"actor", f.actor}, {"action", f.action}, {"key", f.key}, {"employee", f.employee}} {
		if p[1] != "" {
			parts = append(parts, p[0]+" "+p[1])
		}
	}
	return strings.Join(parts, " + ")
}

// keep is the filter and the search as one test of an entry.
func (f filter) keep(query string) func(*model.AuditEntry) bool {
	if !f.active() && query == "" {
		return nil
	}
	lower := func(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
	actor, action, key, employee := lower(f.actor), lower(f.action), lower(f.key), lower(f.employee)
	return func(e *model.AuditEntry) bool {
		switch {
		case actor != "" && !strings.Contains(strings.ToLower(e.Actor), actor):
			return false
		case action != "" && !strings.Contains(strings.ToLower(string(e.Action)), action) &&
			!strings.Contains(e.Action.Words(), action):
			return false
		case key != "" && !(strings.HasPrefix(e.Target, "key ") && strings.Contains(strings.ToLower(e.Target), key)):
			return false
		case employee != "" && !(e.EmployeeID != 0 && strings.Contains(strings.ToLower(e.Target), employee)):
			return false
		}
		return Matches(e, query)
	}
}

// filterSetMsg is the filter the admin typed.
type filterSetMsg struct{ filter filter }

// dateMsg is the day the admin asked to go to.
type dateMsg struct{ day string }

func (m *Model) askFilter() tea.Cmd {
	f := m.filter
	form := dialog.NewForm(m.Styles, "Show the entries of…", "filter", func(v dialog.Values) tea.Cmd {
		return common.Cmd(filterSetMsg{filter: filter{actor: v["actor"], action: v["action"], key: v["key"], employee: v["employee"]}})
	}).WithBody("Each field is a part of what it names; the fields given together keep the entries with all of them. Empty fields keep everything.").
		WithInput(&dialog.Input{Key: "actor", Label: "Actor", Placeholder: "e.g. helen", Value: f.actor}).
		WithInput(&dialog.Input{Key: "action", Label: "Action", Placeholder: "e.g. code shown", Value: f.action}).
		WithInput(&dialog.Input{Key: "key", Label: "Key", Placeholder: "e.g. ST1001", Value: f.key}).
		WithInput(&dialog.Input{Key: "employee", Label: "Employee", Placeholder: "e.g. ann@example.com", Value: f.employee})
	return tea.Batch(common.Cmd(common.OpenDialogMsg{Dialog: form}), form.Init())
}

func (m *Model) askDate() tea.Cmd {
	form := dialog.NewForm(m.Styles, "Go to a date", "go", func(v dialog.Values) tea.Cmd {
		return common.Cmd(dateMsg{day: v["day"]})
	}).WithBody("The entries of that day and before it, newest first (UTC).").
		WithInput(&dialog.Input{Key: "day", Label: "Date", Placeholder: "e.g. 2026-10-01", Required: true, Validate: checkDay})
	return tea.Batch(common.Cmd(common.OpenDialogMsg{Dialog: form}), form.Init())
}

func checkDay(s string) error {
	if _, err := time.Parse("2006-01-02", strings.TrimSpace(s)); err != nil {
		return errors.New("a date is written YYYY-MM-DD, e.g. 2026-10-01")
	}
	return nil
}
