package model_test

import (
	"strings"
	"testing"

	"github.com/keydesk/keydesk/model"
)

// A real ed25519 key (the public half only), as ssh-keygen writes it.
const tPubKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"

func TestAdminNames(t *testing.T) {
	for in, want := range map[string]string{"Helen": "helen", " ops.bob-2 ": "ops.bob-2", "ann@site": "ann@site"} {
		if got, err := model.NormalizeAdminName(in); err != nil || got != want {
			t.Errorf("NormalizeAdminName(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "-x", "two words", "x\x1b[2J", strings.Repeat("a", 33), "é"} {
		if got, err := model.NormalizeAdminName(bad); err == nil {
			t.Errorf("NormalizeAdminName(%q) = %q, want a refusal", bad, got)
		}
	}
}

func TestParseAdminKey(t *testing.T) {
	k, err := model.ParseAdminKey("  " + tPubKey + " helen@laptop \n")
	if err != nil {
		t.Fatal(err)
	}
	if k.Key != tPubKey || k.Comment != "helen@laptop" || !strings.HasPrefix(k.Fingerprint, "SHA256:") {
		t.Errorf("got %+v", k)
	}
	for _, bad := range []string{"", "ssh-ed25519 notbase64", `from="10.0.0.1" ` + tPubKey, tPubKey + "\n" + tPubKey, "hello"} {
		if _, err := model.ParseAdminKey(bad); err == nil {
			t.Errorf("ParseAdminKey(%q): no error", bad)
		}
	}
}
