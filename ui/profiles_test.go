package ui

import (
	"strings"
	"testing"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
)

// The Profiles screen (5): the profiles with their keys, and an admin's
// forms to add, edit and delete them.

func tProfileUse(t *testing.T, st *store.Store, name string) store.ProfileUse {
	t.Helper()
	p, err := st.Profile(tActor, name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// typeProfile fills the form from its first field: the name, then the
// rules (yes/no fields are toggled with ←/→).
func typeProfile(d *driver, name string, requirePIN bool, min, max, expiry, wrong string) {
	d.press("ctrl+u", name, "enter")
	if requirePIN {
		d.press("left")
	}
	d.press("enter", "ctrl+u", min, "enter", "ctrl+u", max, "enter", "ctrl+u", expiry, "enter", "ctrl+u", wrong, "enter")
	d.press("enter", "enter") // button and server confirmation: as they are
}

func TestProfilesAddEditDelete(t *testing.T) {
	st := tFixtureStore(t)
	d := newDriver(t, st, 80, 24)
	d.press("5")
	d.mustSee("Access profiles  1 ·", "Default", "every key starts with it; it cannot be renamed or deleted", "n new · e edit")
	d.mustNotSee("D delete") // Default stays

	d.press("n")
	d.mustSee("New profile", "PIN min", "Wrong PINs")
	typeProfile(d, "Strict", true, "6", "8", "90", "5")
	d.mustSee("profile Strict saved")
	p := tProfileUse(t, st, "Strict")
	if want := (model.ProfileRules{RequirePIN: true, PINExpiryDays: 90, PINMinLength: 6, PINMaxLength: 8, WrongPINLimit: 5}); p.ProfileRules != want {
		t.Errorf("saved rules %+v, want %+v", p.ProfileRules, want)
	}
	d.reload()
	d.mustSee("Strict", "6-8 digits", "90 days")

	// The store refuses a taken name: back to the form, with why.
	d.press("n")
	typeProfile(d, "STRICT", false, "4", "16", "0", "10")
	d.mustSee("✗ there is already a profile named Strict", "New profile")
	d.press("esc")
	d.mustNotSee("New profile")

	// A field out of the model's bounds is refused at the field.
	d.press("n", "ctrl+u", "Loose", "enter", "enter", "ctrl+u", "3", "enter")
	d.mustSee("the shortest PIN must be 4 to 16 digits long, not 3")
	d.press("esc")

	// Edit: the name and one rule.
	d.press("down")
	d.mustSee("> Strict", "Strict: no key has it", "D delete")
	d.press("e")
	d.mustSee("Edit profile Strict")
	typeProfile(d, "Very strict", true, "6", "8", "90", "3")
	d.mustSee("profile Very strict saved")
	if p := tProfileUse(t, st, "Very strict"); p.WrongPINLimit != 3 || p.Rev != 2 {
		t.Errorf("edited: %+v", p)
	}

	// In use: not offered for deletion, and the screen says why.
	tImport := []store.KeyRow{{Line: 2, KeyInput: model.KeyInput{Serial: "KD-9001"}, Profile: "very strict"}}
	if _, err := st.ImportKeys(tActor, tImport); err != nil {
		t.Fatal(err)
	}
	d.reload()
	d.mustSee("Very strict: 1 key has it; it can be deleted once none does")
	d.mustNotSee("D delete")
	d.press("D")
	d.mustNotSee("Delete profile")

	if _, err := st.SetKeyProfile(tActor, store.Serial("KD-9001"), "Default"); err != nil {
		t.Fatal(err)
	}
	d.reload()
	d.press("D")
	d.mustSee("Delete profile Very strict?")
	d.press("y")
	d.mustSee("deleted profile Very strict")
	if _, err := st.Profile(tActor, "Very strict"); !model.IsRefusal(err) {
		t.Errorf("still there: %v", err)
	}
}

// The Default profile's form has no name: it cannot be renamed.
func TestProfilesDefaultKeepsItsName(t *testing.T) {
	st := tFixtureStore(t)
	d := newDriver(t, st, 80, 24)
	d.press("5", "e")
	d.mustSee("Edit profile Default (its name stays)", "Require PIN")
	d.mustNotSee("Name ")
	d.press("enter", "enter", "enter", "enter", "ctrl+u", "7", "enter", "enter", "enter")
	d.mustSee("profile Default saved")
	if p := tProfileUse(t, st, "Default"); p.WrongPINLimit != 7 || p.Name != "Default" {
		t.Errorf("Default after the edit: %+v", p)
	}
}

// A helpdesk or auditor sees the profiles and is offered no change.
func TestProfilesReadOnlyForOtherRoles(t *testing.T) {
	st := tProfilesFixture(t)
	for _, role := range []model.Role{model.RoleHelpdesk, model.RoleAuditor} {
		d := newDriverAs(t, st, tAddAdmin(t, st, "someone-"+role.String(), role), 80, 24)
		d.press("esc", "esc", "5") // a helpdesk session starts in the call screen's search line
		d.mustSee("Strict", "Shared desk", "Actions       none")
		d.press("n", "e", "D")
		d.mustNotSee("New profile", "Edit profile", "Delete profile")
		d.press("2", "/", "KD-0003", "enter", "enter")
		d.mustSee("Key KD-0003", "Profile       Strict (pending)")
		d.mustNotSee("p profile")
	}
}

// p on a key's page picks another profile; the page then says it is
// pending, and the device's report clears that.
func TestKeyPageChangesTheProfile(t *testing.T) {
	st := tProfilesFixture(t)
	d := newDriver(t, st, 80, 24)
	d.press("2", "/", "KD-0002", "enter", "enter")
	d.mustSee("Key KD-0002  Reserved", "Profile       Default", "Wrong PINs    10, then Locked", "p profile",
		"licence until 2025-05-13 · warning, 60 days left")
	d.press("p")
	d.mustSee("Profile for key KD-0002…", "It has Default.", "Shared desk", "Strict")
	d.press("Stri", "enter")
	d.mustSee("key KD-0002: profile Strict, pending until the key next connects")
	d.reload()
	d.mustSee("Profile       Strict (pending)", "Wrong PINs    5, then Locked", "the key keeps Default until it next connects and applies Strict")
	if _, err := st.ProfileApplied(tActor, "KD-0002"); err != nil {
		t.Fatal(err)
	}
	d.reload()
	d.mustSee("Profile       Strict ", "profile applied  Reserved                  device")
	d.mustNotSee("(pending)", "the key keeps")
}

// Only in the statuses the model allows: a Locked, Deactivated or
// Compromised key is not offered p.
func TestKeyPageOffersTheProfileWhereTheModelAllows(t *testing.T) {
	st := tFixtureStore(t)
	for _, s := range model.Statuses {
		k := keyIn(t, st, s)
		d := newDriver(t, st, 120, 30)
		d.press("2", "/", k.Serial, "enter", "enter")
		if got := strings.Contains(actionsLine(t, d.view()), "p profile"); got != model.ProfileChangeAllowed(s) {
			t.Errorf("%s key: p profile offered %v", s, got)
		}
		d.press("p")
		if got := strings.Contains(d.view(), "Profile for key"); got != model.ProfileChangeAllowed(s) {
			t.Errorf("%s key: p opened the picker %v", s, got)
		}
	}
}

// The header counts the licences that need attention, and only when
// there are some.
func TestHeaderCountsLicencesDue(t *testing.T) {
	d := newDriver(t, tFixtureStore(t), 120, 24)
	d.mustNotSee("Licences")
	d = newDriver(t, tProfilesFixture(t), 120, 24)
	d.mustSee("Licences 1 critical, 2 expired")
}
