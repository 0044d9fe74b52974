package store

import (
	"strings"
	"testing"

	"github.com/keydesk/keydesk/model"
)

// What a role may not do is refused as that, audited, before anything
// else about the request is looked at.
func TestTheRoleIsCheckedBeforeTheRequest(t *testing.T) {
	s, _ := tOpen(t)
	una := tSSH(t, s, "una", model.RoleAuditor, 2)
	for _, c := range []struct {
		name string
		do   func() error
		op   model.Operation
	}{
		{"an empty key import", func() error { _, err := s.ImportKeys(una, nil); return err }, model.OpImportKeys},
		{"an empty employee import", func() error { _, err := s.ImportEmployees(una, nil); return err }, model.OpImportEmployees},
		{"a demo of negative size", func() error { return s.FillDemo(una, -1, -1) }, model.OpDemo},
		{"mail settings with no server", func() error { return s.SetSMTPSettings(una, model.SMTPSettings{}, 0) }, model.OpSettingsChange},
	} {
		n := len(tAudit(t, s))
		err := c.do()
		if !model.IsRefusal(err) || !strings.Contains(err.Error(), "una is auditor") {
			t.Errorf("%s as an auditor: %v, want the role's refusal", c.name, err)
			continue
		}
		if got := tAuditSince(t, s, n); len(got) != 1 || got[0].Action != model.ActionAccessRefused || got[0].Target != c.op.Command() {
			t.Errorf("%s as an auditor left %+v in the trail, want one access.refused of %s", c.name, got, c.op.Command())
		}
	}
}
