package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/keydesk/keydesk/model"
)

// Over SSH the actor carries the key's fingerprint, far too long for the
// header at 80 columns: the header names the admin, the audit keeps all.
func TestHeaderNamesTheSSHAdminWithoutTheFingerprint(t *testing.T) {
	st := tFixtureStore(t)
	actor := model.Actor{Name: "alice", Fingerprint: "SHA256:" + strings.Repeat("x", 43), Bootstrap: true}
	a := newApp(Config{Store: st, Actor: actor, Renderer: asciiRenderer(), Now: func() time.Time { return tNow }})
	a.noWatch = true
	d := &driver{t: t, app: a, st: st}
	d.send(resize(80, 24))
	d.run(a.Init())

	first := strings.Split(d.view(), "\n")[0]
	if !strings.HasSuffix(strings.TrimRight(first, " "), " alice · admin") || strings.Contains(first, "SHA256") {
		t.Fatalf("header line %q: want it to end with the name and role alice · admin, without the fingerprint", first)
	}

	// The audit still names the whole actor.
	k := keyIn(t, st, model.Reserved)
	d.press("2", "/", k.Serial, "enter", "c")
	newest := newestAudit(t, st)
	if newest.Action != model.ActionCodeShown || newest.Actor != "alice (admin, "+actor.Fingerprint+")" {
		t.Fatalf("the newest audit entry is %s by %q, want %s by %q", newest.Action, newest.Actor, model.ActionCodeShown, actor)
	}
}

// The header names the role beside the name and keeps within the
// terminal with every tab: the tabs close up first, then the name is
// shortened; the role always shows.
func TestHeaderShowsTheRoleWithinTheWidth(t *testing.T) {
	st := tFixtureStore(t)
	for _, tc := range []struct {
		name  string
		width int
		want  string
	}{
		{"helen", 80, "helen · helpdesk"},
		{"katherine", 80, "katherine · helpdesk"},
		{"a-very-long-admin-name-of-32-ch", 80, "… · helpdesk"},
		{"henry", 60, "helpdesk"},
	} {
		actor := tAddAdmin(t, st, tc.name, model.RoleHelpdesk)
		d := newDriverAs(t, st, actor, tc.width, 24)
		first := strings.Split(d.view(), "\n")[0]
		if w := lipgloss.Width(first); w > tc.width {
			t.Errorf("%s at %d columns: the header is %d wide: %q", tc.name, tc.width, w, first)
		}
		if !strings.HasSuffix(first, tc.want) || !strings.Contains(first, "0 Call") || !strings.Contains(first, "4 Settings") {
			t.Errorf("%s at %d columns: header %q, want every tab and to end with %q", tc.name, tc.width, first, tc.want)
		}
	}
}
