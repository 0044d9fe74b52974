package keys

import (
	"fmt"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/common"
	"github.com/keydesk/keydesk/ui/data"
	"github.com/keydesk/keydesk/ui/history"
	"github.com/keydesk/keydesk/ui/keyaction"
	"github.com/keydesk/keydesk/ui/table"
)

// details is one key's page: its fields, the actions its status allows,
// and its history.
type details struct {
	c       *common.Common
	id      uint64
	history *history.Page
}

func newDetails(c *common.Common, id uint64) *details {
	return &details{c: c, id: id, history: history.KeyPage(c.Store, id)}
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
	fields := []string{
		st.Title.Render("Key "+k.Serial()) + "  " + status,
		pair("MAC", dash(k.MAC()), "Model", dash(k.Model())),
		pair("RFID", dash(k.RFID()), "Firmware", dash(k.Firmware())),
		st.Label.Render("Status") + st.Text.Render(table.Fit(k.Status().String(), half-15)) + " " + st.Label.Render("Reason") + st.Text.Render(reason),
		st.Label.Render("Employee") + holder,
	}
	changed := pair("Imported", k.ImportedAt().UTC().Format(history.TimeFormat), "Last change", k.UpdatedAt().UTC().Format(history.TimeFormat))
	var actionLines []string
	allowed := actions.Bindings(keyaction.Target{Key: k})
	switch {
	case len(allowed) == 0 && len(model.AdminActions(k.Status())) == 0:
		actionLines = []string{st.Label.Render("Actions") + st.Subtle.Render(fmt.Sprintf("none: %s is final", k.Status()))}
	case len(allowed) == 0:
		actionLines = []string{st.Label.Render("Actions") + st.Subtle.Render(fmt.Sprintf("none for your role (%s)", d.c.Access.Role()))}
	default:
		actionLines = common.BindingLines(st, "Actions", allowed, w)
	}
	// The note is free text of up to 500 characters: it gets every line
	// the page can spare, down to the history's header and one entry.
	spare := d.c.Height - len(fields) - 1 - len(actionLines) - history.BelowLines - history.MinLines
	lines := append(fields, common.FieldLines(st, "Note", dash(k.Note()), w, spare)...)
	lines = append(lines, changed)
	for i := range lines {
		lines[i] = table.Fit(lines[i], w)
	}
	lines = append(lines, actionLines...)
	return d.history.Below(st, lines, w, d.c.Height)
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
