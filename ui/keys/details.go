package keys

import (
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/common"
	"github.com/keydesk/keydesk/ui/data"
	"github.com/keydesk/keydesk/ui/history"
	"github.com/keydesk/keydesk/ui/keyaction"
	"github.com/keydesk/keydesk/ui/table"
)

// historyMsg is one key's audit trail, tagged with the key it is about
// so that it never lands on another key's page.
type historyMsg struct {
	keyID   uint64
	entries []model.AuditEntry
	err     error
}

// details is one key's page: its fields, the actions its status allows,
// and its history.
type details struct {
	c       *common.Common
	id      uint64
	history history.Model
}

func newDetails(c *common.Common, id uint64) *details {
	d := &details{c: c, id: id, history: history.New(false)}
	d.history.SetEmpty("loading…")
	return d
}

func (d *details) loadHistory() tea.Cmd {
	st, id := d.c.Store, d.id
	return func() tea.Msg {
		entries, err := st.KeyHistory(id)
		return historyMsg{keyID: id, entries: entries, err: err}
	}
}

func (d *details) setHistory(msg historyMsg) {
	if msg.keyID != d.id {
		return
	}
	if msg.err != nil {
		d.history.SetEmpty("the history cannot be read: " + model.Printable(msg.err.Error()))
		return
	}
	d.history.SetEmpty("no entries")
	d.history.SetEntries(msg.entries)
}

func (d *details) view(idx *data.Index, actions *keyaction.Keys) string {
	st := d.c.Styles
	w := d.c.Width
	k, ok := idx.Key(d.id)
	if !ok {
		return st.Subtle.Render("This key no longer exists.")
	}
	half := min(max(w/2, 30), 50) // pairs stay close on wide terminals
	pair := func(l1, v1, l2, v2 string) string {
		return st.Label.Render(l1) + st.Text.Render(table.Fit(v1, half-15)) + " " + st.Label.Render(l2) + st.Text.Render(v2)
	}
	status := st.Status(k.Status()).Render(k.Status().String())
	reason := "—"
	if k.Reason() != model.NoReason {
		reason = k.Reason().String()
	}
	holder := st.Subtle.Render("nobody")
	if k.Employee() != "" {
		holder = st.Text.Render(fmt.Sprintf("%s <%s>", k.Employee(), k.Email())) + st.Subtle.Render("  · enter opens the employee")
	}
	lines := []string{
		st.Title.Render("Key "+k.Serial()) + "  " + status,
		pair("MAC", dash(k.MAC()), "Model", dash(k.Model())),
		pair("RFID", dash(k.RFID()), "Firmware", dash(k.Firmware())),
		st.Label.Render("Status") + st.Text.Render(table.Fit(k.Status().String(), half-15)) + " " + st.Label.Render("Reason") + st.Text.Render(reason),
		st.Label.Render("Employee") + holder,
		st.Label.Render("Note") + st.Text.Render(dash(k.Note())),
		pair("Imported", k.ImportedAt().UTC().Format(history.TimeFormat), "Last change", k.UpdatedAt().UTC().Format(history.TimeFormat)),
	}
	for i := range lines {
		lines[i] = table.Fit(lines[i], w)
	}
	allowed := actions.Bindings(keyaction.Target{Key: k})
	if len(allowed) == 0 {
		lines = append(lines, st.Label.Render("Actions")+st.Subtle.Render(fmt.Sprintf("none: %s is final", k.Status())))
	} else {
		lines = append(lines, common.BindingLines(st, "Actions", allowed, w)...)
	}
	lines = append(lines, "", st.Title.Render(fmt.Sprintf("History (%d)", len(d.history.Entries()))))
	d.history.SetSize(w, max(d.c.Height-len(lines), 2))
	return strings.Join(lines, "\n") + "\n" + d.history.View(st)
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
