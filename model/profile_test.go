package model_test

import (
	"strings"
	"testing"

	"github.com/keydesk/keydesk/model"
)

func tRules() model.ProfileRules {
	return model.ProfileRules{RequirePIN: true, PINExpiryDays: 90, PINMinLength: 6, PINMaxLength: 8, WrongPINLimit: 5}
}

func TestDefaultProfileRules(t *testing.T) {
	r := model.DefaultRules
	if r.RequirePIN || r.RequireButton || r.RequireServerConfirm {
		t.Errorf("the Default profile requires something: %+v", r)
	}
	if err := r.Validate(); err != nil {
		t.Errorf("the Default profile breaks the rules: %v", err)
	}
	if model.DefaultProfileName != "Default" {
		t.Errorf("the Default profile is called %q", model.DefaultProfileName)
	}
}

// Every bound of every number, just inside and just outside.
func TestProfileRulesBounds(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edit   func(*model.ProfileRules)
		refuse string // "" accepted
	}{
		{"as given", func(*model.ProfileRules) {}, ""},
		{"PIN 4..4", func(r *model.ProfileRules) { r.PINMinLength, r.PINMaxLength = 4, 4 }, ""},
		{"PIN 16..16", func(r *model.ProfileRules) { r.PINMinLength, r.PINMaxLength = 16, 16 }, ""},
		{"PIN 4..16", func(r *model.ProfileRules) { r.PINMinLength, r.PINMaxLength = 4, 16 }, ""},
		{"shortest PIN 3", func(r *model.ProfileRules) { r.PINMinLength = 3 }, "the shortest PIN must be 4 to 16 digits long, not 3"},
		{"shortest PIN 17", func(r *model.ProfileRules) { r.PINMinLength, r.PINMaxLength = 17, 16 }, "the shortest PIN must be 4 to 16 digits long, not 17"},
		{"longest PIN 17", func(r *model.ProfileRules) { r.PINMaxLength = 17 }, "the longest PIN must be 4 to 16 digits long, not 17"},
		{"longest PIN 3", func(r *model.ProfileRules) { r.PINMinLength, r.PINMaxLength = 4, 3 }, "the longest PIN must be 4 to 16 digits long, not 3"},
		{"min above max", func(r *model.ProfileRules) { r.PINMinLength, r.PINMaxLength = 9, 8 }, "the shortest PIN (9) is longer than the longest (8)"},
		{"min equals max", func(r *model.ProfileRules) { r.PINMinLength, r.PINMaxLength = 8, 8 }, ""},
		{"wrong PINs 3", func(r *model.ProfileRules) { r.WrongPINLimit = 3 }, ""},
		{"wrong PINs 10", func(r *model.ProfileRules) { r.WrongPINLimit = 10 }, ""},
		{"wrong PINs 2", func(r *model.ProfileRules) { r.WrongPINLimit = 2 }, "wrong PIN entries before the key locks must be 3 to 10, not 2"},
		{"wrong PINs 11", func(r *model.ProfileRules) { r.WrongPINLimit = 11 }, "must be 3 to 10, not 11"},
		{"expiry never", func(r *model.ProfileRules) { r.PINExpiryDays = 0 }, ""},
		{"expiry ten years", func(r *model.ProfileRules) { r.PINExpiryDays = 3650 }, ""},
		{"expiry negative", func(r *model.ProfileRules) { r.PINExpiryDays = -1 }, "the PIN expiry must be 0 (never) to 3650 days, not -1"},
		{"expiry past ten years", func(r *model.ProfileRules) { r.PINExpiryDays = 3651 }, "not 3651"},
		{"everything required", func(r *model.ProfileRules) { r.RequirePIN, r.RequireButton, r.RequireServerConfirm = true, true, true }, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tRules()
			tc.edit(&r)
			_, err := model.NewProfile("Strict", r)
			switch {
			case tc.refuse == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.refuse != "" && err == nil:
				t.Fatalf("accepted %+v", r)
			case err != nil && !strings.Contains(err.Error(), tc.refuse):
				t.Errorf("message %q, want %q", err, tc.refuse)
			case err != nil && !model.IsRefusal(err):
				t.Errorf("%T is not a refusal", err)
			}
		})
	}
}

// Names follow the rules of other names: required, trimmed, printable,
// limited in length.
func TestProfileNames(t *testing.T) {
	for _, tc := range []struct {
		in, want, refuse string
	}{
		{"Strict", "Strict", ""},
		{"  High security  ", "High security", ""},
		{"Zoë's keys", "Zoë's keys", ""},
		{strings.Repeat("p", 40), strings.Repeat("p", 40), ""},
		{strings.Repeat("p", 41), "", "profile name is too long (41 characters, at most 40)"},
		{"", "", "profile name is required"},
		{"   ", "", "profile name is required"},
		{"Str\x1b[2Jict", "", "profile name may not contain control characters"},
		{"Str\u200bict", "", "invisible characters"},
	} {
		p, err := model.NewProfile(tc.in, tRules())
		switch {
		case tc.refuse == "" && err != nil:
			t.Errorf("%q refused: %v", tc.in, err)
		case tc.refuse == "" && p.Name != tc.want:
			t.Errorf("%q stored as %q, want %q", tc.in, p.Name, tc.want)
		case tc.refuse != "" && (err == nil || !strings.Contains(err.Error(), tc.refuse)):
			t.Errorf("%q: %v, want %q", tc.in, err, tc.refuse)
		}
	}
	if model.ProfileNameKey(" Strict ") != model.ProfileNameKey("STRICT") {
		t.Error("profile names differ by case")
	}
}

func tDefaultProfile() model.Profile {
	return model.Profile{ID: model.DefaultProfileID, Name: model.DefaultProfileName, ProfileRules: model.DefaultRules}
}

func TestDefaultProfileCannotBeRenamedOrDeleted(t *testing.T) {
	def := tDefaultProfile()
	if _, err := model.EditProfile(def, "Standard", def.ProfileRules); err == nil || err.Error() != "the Default profile cannot be renamed: every key starts with it" {
		t.Errorf("renaming Default: %v", err)
	}
	// Its rules may change, its name stays.
	stricter := def.ProfileRules
	stricter.WrongPINLimit = 5
	got, err := model.EditProfile(def, "Default", stricter)
	if err != nil || got.WrongPINLimit != 5 || got.Name != "Default" || got.ID != def.ID {
		t.Errorf("changing Default's rules: %+v, %v", got, err)
	}
	if err := model.CanDeleteProfile(def, 0); err == nil || err.Error() != "the Default profile cannot be deleted: every key starts with it" {
		t.Errorf("deleting Default: %v", err)
	}
	// Another profile that happens to be named like it is not Default.
	other := model.Profile{ID: 2, Name: "Default2"}
	if err := model.CanDeleteProfile(other, 0); err != nil {
		t.Errorf("deleting an unused profile: %v", err)
	}
}

func TestProfileInUseCannotBeDeleted(t *testing.T) {
	p := model.Profile{ID: 3, Name: "Strict"}
	for _, tc := range []struct {
		keys int
		want string
	}{
		{1, "profile Strict is used by 1 key: give it another profile first"},
		{2, "profile Strict is used by 2 keys: give them another profile first"},
		{100000, "profile Strict is used by 100000 keys: give them another profile first"},
	} {
		err := model.CanDeleteProfile(p, tc.keys)
		if err == nil || err.Error() != tc.want || !model.IsRefusal(err) {
			t.Errorf("%d keys: %v, want %q", tc.keys, err, tc.want)
		}
	}
}

func TestEditProfile(t *testing.T) {
	old := model.Profile{ID: 3, Name: "Strict", ProfileRules: tRules(), Rev: 4}
	if _, err := model.EditProfile(old, "Strict", old.ProfileRules); err == nil || err.Error() != "nothing to change in profile Strict" {
		t.Errorf("an edit that changes nothing: %v", err)
	}
	r := old.ProfileRules
	r.PINMinLength, r.RequireButton = 4, true
	got, err := model.EditProfile(old, "Very strict", r)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != old.ID || got.Rev != old.Rev || got.Name != "Very strict" || got.ProfileRules != r {
		t.Errorf("edited: %+v", got)
	}
	if note := model.ChangedRules(old, got); note != "changed: name (was Strict), PIN length 4-8, require button on" {
		t.Errorf("audit note %q", note)
	}
	bad := r
	bad.PINMaxLength = 2
	if _, err := model.EditProfile(old, "Strict", bad); err == nil {
		t.Error("an edit past the bounds was accepted")
	}
}

// Requires names what is asked, always in the same order.
func TestProfileRulesRequires(t *testing.T) {
	for _, c := range []struct {
		pin, button, confirm bool
		want                 string
	}{
		{false, false, false, ""},
		{true, false, false, "PIN"},
		{false, true, false, "button"},
		{false, false, true, "server confirmation"},
		{true, true, true, "PIN, button, server confirmation"},
		{true, false, true, "PIN, server confirmation"},
	} {
		r := model.ProfileRules{RequirePIN: c.pin, RequireButton: c.button, RequireServerConfirm: c.confirm}
		if got := strings.Join(r.Requires(), ", "); got != c.want {
			t.Errorf("%+v: Requires = %q, want %q", r, got, c.want)
		}
	}
}
