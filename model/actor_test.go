package model_test

import (
	"testing"

	"github.com/keydesk/keydesk/model"
)

func TestActorNames(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{model.LocalAdmin("alice").String(), "alice (admin, local)"},
		{model.LocalAdmin("").String(), "unknown (admin, local)"},
		{model.SSHAdmin("helen", "SHA256:abc", model.RoleHelpdesk).String(), "helen (helpdesk, SHA256:abc)"},
		{model.SSHAdmin("", "SHA256:abc", model.RoleAuditor).String(), "unnamed key (auditor, SHA256:abc)"},
		{model.SSHAdmin("gone", "SHA256:abc", 0).String(), "gone (SHA256:abc)"},
		{model.ActorDevice, "device"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	if !model.LocalAdmin("a").Local() || model.SSHAdmin("a", "SHA256:x", model.RoleAdmin).Local() {
		t.Error("Local() does not tell a local actor from an SSH one")
	}
}

func TestActorLabelDropsTheFingerprint(t *testing.T) {
	for _, tc := range []struct{ actor, want string }{
		{model.SSHAdmin("helen", "SHA256:abc", model.RoleHelpdesk).String(), "helen · helpdesk"},
		{model.LocalAdmin("alice").String(), "alice · admin"},
		{model.SSHAdmin("bob (laptop)", "SHA256:abc", model.RoleAuditor).String(), "bob (laptop) · auditor"},
		{model.SSHAdmin("gone", "SHA256:abc", 0).String(), "gone"},
		{"ann (local)", "ann"}, // before roles
		{model.ActorDevice, "device"},
		{"odd (", "odd ("},
	} {
		if got := model.ActorLabel(tc.actor); got != tc.want {
			t.Errorf("ActorLabel(%q) = %q, want %q", tc.actor, got, tc.want)
		}
	}
}
