package ui

import (
	"strings"
	"testing"

	"github.com/keydesk/keydesk/model"
)

// TestHeaderShowsAlertsToAdmins: a failed scheduled backup is a third
// header line, for admins only, at 80 and 160 columns; cleared, the
// header is its two lines again (issue #22: no rule).
func TestHeaderShowsAlertsToAdmins(t *testing.T) {
	st := tDemoStore(t)
	helpdesk := tAddAdmin(t, st, "hugo", model.RoleHelpdesk)
	alert := "the scheduled backup failed at 2026-01-04 00:00 UTC: cannot write \x1b[2Jhere"
	st.SetAlert("backup", alert)
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		admin := newDriver(t, st, size[0], size[1])
		lines := strings.Split(admin.view(), "\n")
		if !strings.HasPrefix(lines[2], "! the scheduled backup failed at 2026-01-04 00:00 UTC") {
			t.Errorf("%dx%d: the admin's header line 3 is %q", size[0], size[1], lines[2])
		}
		if strings.Contains(admin.view(), "\x1b[2J") {
			t.Errorf("%dx%d: the alert reaches the terminal raw", size[0], size[1])
		}
		if len(lines) != size[1] {
			t.Errorf("%dx%d: the view has %d lines", size[0], size[1], len(lines))
		}
		if testing.Verbose() {
			t.Logf("%dx%d:\n%s", size[0], size[1], strings.Join(lines[:6], "\n"))
		}
		other := newDriverAs(t, st, helpdesk, size[0], size[1])
		other.mustNotSee("scheduled backup")
	}
	st.SetAlert("backup", "")
	admin := newDriver(t, st, 160, 48)
	admin.mustNotSee("scheduled backup")
	for _, d := range []*driver{admin, newDriver(t, st, 80, 24)} {
		if line := strings.Split(d.view(), "\n")[2]; !strings.HasPrefix(line, "Employees  40 of 40") {
			t.Errorf("the header is not two lines again: line 3 is %q", line)
		}
	}
}
