package employees

import (
	"fmt"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/history"
	"github.com/keydesk/keydesk/ui/component/keyaction"
	"github.com/keydesk/keydesk/ui/component/table"
)

// pageView draws one employee's page: profile, key, history; t is the
// employee and their key, as the key actions see them.
func (m *Model) pageView(t keyaction.Target) string {
	st := m.Styles
	w := m.Width
	e := t.Employee
	if e == nil {
		return st.Subtle.Render("This employee no longer exists.")
	}
	pair := func(l1, v1, l2, v2 string) string {
		half := min(max(w/2, 30), 50) // pairs stay close on wide terminals
		left := st.Label.Render(l1) + st.Text.Render(table.Fit(v1, half-14-1))
		if l2 == "" {
			return left
		}
		return left + " " + st.Label.Render(l2) + st.Text.Render(v2)
	}
	lines := []string{
		st.Title.Render(table.Fit(e.Name(), w)),
		pair("E-mail", e.Email(), "Phone", dash(e.Phone())),
		pair("Department", dash(e.Department()), "Position", dash(e.Position())),
		pair("Company", dash(e.Company()), "", ""),
		pair("Created", e.CreatedAt().UTC().Format(history.TimeFormat), "Updated", e.UpdatedAt().UTC().Format(history.TimeFormat)),
	}
	if k := t.Key; k != nil {
		status := st.Status(k.Status()).Render(k.Status().String())
		if k.Reason() != model.NoReason {
			status += st.Subtle.Render(": " + k.Reason().Words())
		}
		lines = append(lines, st.Label.Render("Key")+st.Text.Render(k.Serial())+"  "+status+
			st.Subtle.Render(fmt.Sprintf("  %s · enter opens the key", dash(k.Model()))))
	} else {
		lines = append(lines, st.Label.Render("Key")+st.Subtle.Render("none"))
	}
	for i := range lines {
		lines[i] = table.Fit(lines[i], w)
	}
	lines = append(lines, common.BindingLines(st, "Actions", append(m.pageKeys(), m.actions.Bindings(t)...), w)...)
	return m.page.History().Below(st, lines, w, m.Height)
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
