package ui

import (
	"strings"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/component/table"
)

// headerRule is the header's third line: the rule, or, for an admin,
// the store's alerts (a scheduled backup that failed) in its place, so
// that whoever can fix it sees it on every screen. Where the counts
// need two lines, an alert takes the second one (the keys screen still
// has every count).
func (a *app) headerRule() (line string, alert bool) {
	st := a.Styles
	if a.Access.Role() == model.RoleAdmin && a.Store != nil {
		if alerts := a.Store.Alerts(); len(alerts) > 0 {
			return st.Error.Render(table.Fit("! "+model.Printable(strings.Join(alerts, " · ")), a.width)), true
		}
	}
	return st.Subtle.Render(strings.Repeat("─", a.width)), false
}
