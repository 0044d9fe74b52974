package ui

import (
	"strings"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/component/table"
)

// headerAlert is, for an admin, the store's alerts (a scheduled backup
// that failed) as a third header line while they last, so that whoever
// can fix it sees it on every screen.
func (a *app) headerAlert() (line string, ok bool) {
	if a.Access.Role() != model.RoleAdmin || a.Store == nil {
		return "", false
	}
	alerts := a.Store.Alerts()
	if len(alerts) == 0 {
		return "", false
	}
	return a.Styles.Error.Render(table.Fit("! "+model.Printable(strings.Join(alerts, " · ")), a.width)), true
}
