package keyaction

import (
	"slices"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/data"
)

func keysOf(bs []key.Binding) []string {
	var out []string
	for _, b := range bs {
		out = append(out, b.Keys()...)
	}
	return out
}

func keysFor(r model.Role) *KeyMap {
	return DefaultKeyMap(common.NewAccess(model.Actor{Name: "x", Role: r}))
}

func TestAllowedFollowsTheModel(t *testing.T) {
	want := map[model.Role]map[model.Status][]string{
		model.RoleAdmin: {
			model.Ready:       {"a", "p"},
			model.Reserved:    {"c", "r", "L", "R", "X", "p"},
			model.Active:      {"s", "L", "R", "X", "p"},
			model.Locked:      {"u", "L", "R", "X"},
			model.Suspended:   {"c", "r", "L", "R", "X", "p"},
			model.Deactivated: {"W"},
			model.Compromised: nil,
		},
		// The helpdesk: codes, reissue, suspend, unlock, assign; never
		// remove, compromise or wiped.
		model.RoleHelpdesk: {
			model.Ready:       {"a"},
			model.Reserved:    {"c", "r", "L"},
			model.Active:      {"s", "L"},
			model.Locked:      {"u", "L"},
			model.Suspended:   {"c", "r", "L"},
			model.Deactivated: nil,
			model.Compromised: nil,
		},
		model.RoleAuditor: {},
	}
	for role, byStatus := range want {
		k := keysFor(role)
		for _, s := range model.Statuses {
			if got := keysOf(k.Allowed(s, model.NoReason)); !slices.Equal(got, byStatus[s]) {
				t.Errorf("%s, %s: %v, want %v", role, s, got, byStatus[s])
			}
		}
	}
}

// The full help lists what the role may do in some status, no more.
func TestAllListsOnlyTheRolesActions(t *testing.T) {
	for role, want := range map[model.Role][]string{
		model.RoleAdmin:    {"a", "c", "r", "s", "u", "L", "R", "X", "W", "p"},
		model.RoleHelpdesk: {"a", "c", "r", "s", "u", "L"},
		model.RoleAuditor:  nil,
	} {
		if got := keysOf(keysFor(role).All()); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", role, got, want)
		}
	}
}

// A role changed while the session is open counts at once: the keys
// hold the session's Access, not a copy of its role.
func TestActionsFollowARoleChange(t *testing.T) {
	access := common.NewAccess(model.Actor{Name: "x", Role: model.RoleAdmin})
	k := DefaultKeyMap(access)
	if got := keysOf(k.Allowed(model.Active, model.NoReason)); !slices.Contains(got, "X") {
		t.Fatalf("admin on an Active key: %v, want compromise among them", got)
	}
	access.Resolved(model.Actor{Name: "x", Role: model.RoleHelpdesk}, nil)
	if got := keysOf(k.Allowed(model.Active, model.NoReason)); !slices.Equal(got, []string{"s", "L"}) {
		t.Fatalf("after the change to helpdesk: %v, want only suspend and report lost", got)
	}
}

// The profile change is an admin's, in the statuses the model allows.
func TestProfileOfferedToAdminsOnly(t *testing.T) {
	for _, role := range model.Roles {
		k := keysFor(role)
		for _, s := range model.Statuses {
			offered := slices.Contains(keysOf(k.Allowed(s, model.NoReason)), "p")
			if want := model.ProfileChangeAllowed(s) && role == model.RoleAdmin; offered != want {
				t.Errorf("%s, %s key: profile offered %v, want %v", role, s, offered, want)
			}
		}
	}
}

func TestEmployeeWithoutAKeyCanOnlyBeGivenOne(t *testing.T) {
	k := keysFor(model.RoleHelpdesk)
	got := k.Bindings(Target{Employee: &data.EmployeeRow{}})
	if len(got) != 1 || got[0].Help().Desc != "assign" {
		t.Fatalf("actions %v", got)
	}
	if len(k.Bindings(Target{})) != 0 {
		t.Fatal("actions with nothing on screen")
	}
	if got := keysFor(model.RoleAuditor).Bindings(Target{Employee: &data.EmployeeRow{}}); len(got) != 0 {
		t.Fatalf("an auditor is offered %v on an employee without a key", keysOf(got))
	}
}

// A key reported lost offers nothing but an admin's decision, and no
// code; the helpdesk gets none of it.
func TestAKeyReportedLostWaitsForAnAdmin(t *testing.T) {
	if got := keysOf(keysFor(model.RoleAdmin).Allowed(model.Suspended, model.ReportedLost)); !slices.Equal(got, []string{"R", "X", "p"}) {
		t.Errorf("admin on a key reported lost: %v", got)
	}
	if got := keysOf(keysFor(model.RoleHelpdesk).Allowed(model.Suspended, model.ReportedLost)); len(got) != 0 {
		t.Errorf("helpdesk on a key reported lost: %v", got)
	}
}
