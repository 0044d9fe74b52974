package model_test

import (
	"strings"
	"testing"

	"github.com/keydesk/keydesk/model"
)

// tAllowed is SPEC 9 and the roles issue written out independently of
// model's own table: for every operation, the roles that may run it.
// a = admin, h = helpdesk, u = auditor.
var tAllowed = map[model.Operation]string{
	model.OpOpenScreens:          "ahu",
	model.OpDemo:                 "a",
	model.OpImportKeys:           "a",
	model.OpImportEmployees:      "a",
	model.OpExportKeys:           "ahu",
	model.OpExportEmployees:      "ahu",
	model.OpExportAudit:          "au",
	model.OpAuditVerify:          "ahu",
	model.OpEmployeeAdd:          "ah",
	model.OpEmployeeEdit:         "ah",
	model.OpEmployeeDelete:       "a",
	model.OpKeyAssign:            "ah",
	model.OpKeyCode:              "ah",
	model.OpKeyCodeEmail:         "ah",
	model.OpKeyReissue:           "ah",
	model.OpKeySuspend:           "ah",
	model.OpKeyUnlock:            "ah",
	model.OpKeyRemove:            "a",
	model.OpKeyCompromise:        "a",
	model.OpKeyWiped:             "a",
	model.OpDeviceActivate:       "a",
	model.OpDevicePinLocked:      "a",
	model.OpSettingsShow:         "ahu",
	model.OpSettingsChange:       "a",
	model.OpSettingsTest:         "a",
	model.OpBackup:               "a",
	model.OpServe:                "a",
	model.OpVersion:              "ahu",
	model.OpAdminList:            "au",
	model.OpAdminAdd:             "a",
	model.OpAdminRole:            "a",
	model.OpAdminRemove:          "a",
	model.OpProfileList:          "ahu",
	model.OpProfileShow:          "ahu",
	model.OpProfileAdd:           "a",
	model.OpProfileEdit:          "a",
	model.OpProfileDelete:        "a",
	model.OpKeyProfile:           "a",
	model.OpKeyLicence:           "a",
	model.OpKeyRFID:              "a",
	model.OpDeviceProfileApplied: "a",
	model.OpEmployeeLeave:        "a",
	model.OpEmployeeReturn:       "a",
	model.OpDirectorySync:        "a",
	model.OpDirectorySettings:    "a",
	model.OpDirectoryStatus:      "ahu",
	model.OpKeyReportLost:        "ah",
	model.OpClusterStatus:        "au",
	model.OpClusterToken:         "a",
	model.OpClusterRemove:        "a",
	model.OpClusterTransfer:      "a",
}

var tRoleLetter = map[model.Role]string{model.RoleAdmin: "a", model.RoleHelpdesk: "h", model.RoleAuditor: "u"}

// Every (role, operation) pair, each operation named on the command line
// and in words.
func TestPermissionsTable(t *testing.T) {
	if len(model.Operations) != len(tAllowed) {
		t.Errorf("%d operations, the test knows %d: add the new ones to tAllowed", len(model.Operations), len(tAllowed))
	}
	for _, op := range model.Operations {
		want, known := tAllowed[op]
		if !known {
			t.Errorf("operation %q is not in the test's table", op.Command())
			continue
		}
		if op.Command() == "" || op.Doing() == "that" {
			t.Errorf("operation %d has no command or words", op)
		}
		for _, r := range model.Roles {
			allowed := strings.Contains(want, tRoleLetter[r])
			if got := model.Permitted(r, op); got != allowed {
				t.Errorf("%s may %s: %v, want %v", r, op.Command(), got, allowed)
			}
			err := model.Permit(model.SSHAdmin("helen", "SHA256:x", r), op)
			if allowed != (err == nil) {
				t.Errorf("Permit(%s, %s) = %v, want allowed %v", r, op.Command(), err, allowed)
			}
			if err != nil && !model.IsRefusal(err) {
				t.Errorf("Permit(%s, %s) = %T, want a refusal", r, op.Command(), err)
			}
		}
		if model.Permitted(0, op) {
			t.Errorf("no role may %s, yet the zero role may", op.Command())
		}
	}
}

func TestRefusalNamesWhoMay(t *testing.T) {
	for _, tc := range []struct {
		role model.Role
		op   model.Operation
		want string
	}{
		{model.RoleHelpdesk, model.OpKeyCompromise, "helen is helpdesk: marking a key compromised needs an admin"},
		{model.RoleAuditor, model.OpKeyCode, "helen is auditor: showing an activation code needs an admin or helpdesk"},
		{model.RoleHelpdesk, model.OpExportAudit, "helen is helpdesk: exporting the audit trail needs an admin or an auditor"},
		{0, model.OpKeyCode, "helen is not an admin: showing an activation code needs an admin or helpdesk"},
	} {
		err := model.Permit(model.SSHAdmin("helen", "SHA256:x", tc.role), tc.op)
		if err == nil || err.Error() != tc.want {
			t.Errorf("Permit(%v, %s) = %v, want %q", tc.role, tc.op.Command(), err, tc.want)
		}
	}
}

// roleActions is what a screen offers an actor of role r on a key in
// status s: what the status allows and the role permits.
func roleActions(r model.Role, s model.Status) []model.EventKind {
	var out []model.EventKind
	for _, ev := range model.AdminActions(s) {
		if model.Permitted(r, model.EventOperation(ev)) {
			out = append(out, ev)
		}
	}
	return out
}

// The roles table against the status table: a helpdesk person is never
// offered compromise.
func TestRoleActions(t *testing.T) {
	for _, s := range model.Statuses {
		all := model.AdminActions(s)
		if got := roleActions(model.RoleAdmin, s); len(got) != len(all) {
			t.Errorf("admin on a %s key: %v, want every action %v", s, got, all)
		}
		if got := roleActions(model.RoleAuditor, s); len(got) != 0 {
			t.Errorf("auditor on a %s key: %v, want none", s, got)
		}
		for _, ev := range roleActions(model.RoleHelpdesk, s) {
			switch ev {
			case model.EventAssign, model.EventReissue, model.EventSuspend, model.EventUnlock, model.EventReportLost:
			default:
				t.Errorf("helpdesk on a %s key is offered event %d", s, ev)
			}
		}
	}
	if got := roleActions(model.RoleHelpdesk, model.Locked); len(got) != 2 || got[0] != model.EventUnlock || got[1] != model.EventReportLost {
		t.Errorf("helpdesk on a Locked key: %v, want unlock and report lost only", got)
	}
}

func TestParseRole(t *testing.T) {
	for _, r := range model.Roles {
		if got, err := model.ParseRole(" " + strings.ToUpper(r.String()) + " "); err != nil || got != r {
			t.Errorf("ParseRole(%q) = %v, %v", r, got, err)
		}
	}
	if _, err := model.ParseRole("root"); err == nil || !strings.Contains(err.Error(), "admin, helpdesk or auditor") {
		t.Errorf("ParseRole(root) = %v", err)
	}
}
