package ui

import (
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
)

// Golden views at 80x24 with no colour; `go test ./ui -update` rewrites
// them after a deliberate change of the screens.

func goldenView(t *testing.T, d *driver) {
	t.Helper()
	golden.RequireEqual(t, []byte(d.view()))
}

func TestGoldenEmployeesList(t *testing.T) {
	d := newDriver(t, tFixtureStore(t), 80, 24)
	goldenView(t, d)
}

func TestGoldenKeysList(t *testing.T) {
	d := newDriver(t, tFixtureStore(t), 80, 24)
	d.press("2")
	goldenView(t, d)
}

func TestGoldenAudit(t *testing.T) {
	d := newDriver(t, tFixtureStore(t), 80, 24)
	d.press("3")
	goldenView(t, d)
}

func TestGoldenEmployeeDetails(t *testing.T) {
	st := tFixtureStore(t)
	k := keyIn(t, st, model.Active)
	e := holderOf(t, st, k)
	d := newDriver(t, st, 80, 24)
	d.press("/", e.Email, "enter", "enter")
	goldenView(t, d)
}

// goldenKey is a key's page: its fields and only the actions its status
// allows.
func goldenKey(t *testing.T, s model.Status) {
	st := tFixtureStore(t)
	k := keyIn(t, st, s)
	d := newDriver(t, st, 80, 24)
	d.press("2", "/", k.Serial, "enter", "enter")
	goldenView(t, d)
}

func TestGoldenKeyReady(t *testing.T)       { goldenKey(t, model.Ready) }
func TestGoldenKeyReserved(t *testing.T)    { goldenKey(t, model.Reserved) }
func TestGoldenKeyActive(t *testing.T)      { goldenKey(t, model.Active) }
func TestGoldenKeyLocked(t *testing.T)      { goldenKey(t, model.Locked) }
func TestGoldenKeySuspended(t *testing.T)   { goldenKey(t, model.Suspended) }
func TestGoldenKeyDeactivated(t *testing.T) { goldenKey(t, model.Deactivated) }
func TestGoldenKeyCompromised(t *testing.T) { goldenKey(t, model.Compromised) }

func TestGoldenCodeScreen(t *testing.T) {
	st := tFixtureStore(t)
	k := keyIn(t, st, model.Reserved)
	d := newDriver(t, st, 80, 24)
	d.press("2", "/", k.Serial, "enter", "c")
	goldenView(t, d)
}

func TestGoldenRemoveDialog(t *testing.T) {
	st := tFixtureStore(t)
	k := keyIn(t, st, model.Active)
	d := newDriver(t, st, 80, 24)
	d.press("2", "/", k.Serial, "enter", "R")
	goldenView(t, d)
}

func TestGoldenHelp(t *testing.T) {
	d := newDriver(t, tFixtureStore(t), 80, 24)
	d.press("2", "?")
	goldenView(t, d)
}

func TestGoldenSettings(t *testing.T) {
	st := tFixtureStore(t)
	err := st.SetSMTPSettings(tActor, model.SMTPSettings{Host: "smtp.example.com", Port: 587, TLS: model.TLSStartTLS,
		From: "IT desk <keydesk@example.com>", User: "keydesk", Password: "never shown"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, st, 80, 24)
	d.press("4")
	goldenView(t, d)
}

func TestGoldenCodeScreenMailPrompt(t *testing.T) {
	st := tFixtureStore(t)
	if err := st.SetSMTPSettings(tActor, model.SMTPSettings{Host: "smtp.example.com", Port: 587, TLS: model.TLSStartTLS, From: "keydesk@example.com"}, 0); err != nil {
		t.Fatal(err)
	}
	k := keyIn(t, st, model.Reserved)
	d := newDriver(t, st, 80, 24)
	d.press("2", "/", k.Serial, "enter", "c", "m")
	goldenView(t, d)
}

// tProfilesFixture is the fixture with two more profiles, keys that
// have them (one change still pending on its device), and licences in
// every status.
func tProfilesFixture(t *testing.T) *store.Store {
	t.Helper()
	st := tFixtureStore(t)
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.AddProfile(tActor, "Strict", model.ProfileRules{RequirePIN: true, PINExpiryDays: 90, PINMinLength: 6, PINMaxLength: 8,
		WrongPINLimit: 5, RequireButton: true}))
	must(st.AddProfile(tActor, "Shared desk", model.ProfileRules{RequirePIN: true, PINMinLength: 4, PINMaxLength: 6, WrongPINLimit: 10}))
	for _, serial := range []string{"KD-0001", "KD-0003", "KD-0005"} {
		must(st.SetKeyProfile(tActor, store.Serial(serial), "Strict"))
	}
	must(st.ProfileApplied(tActor, "KD-0001"))
	must(st.ProfileApplied(tActor, "KD-0005"))
	day := func(days int) time.Time { return model.LicenceDate(model.LicenceDay(tNow) + days) }
	for serial, until := range map[string]time.Time{
		"KD-0001": day(400), "KD-0002": day(60), "KD-0003": day(12), "KD-0005": day(-3), "KD-0008": day(0),
	} {
		must(st.SetKeyLicence(tActor, store.Serial(serial), until))
	}
	return st
}

func TestGoldenProfiles(t *testing.T) {
	d := newDriver(t, tProfilesFixture(t), 80, 24)
	d.press("5", "down")
	goldenView(t, d)
}

// A key's page with a profile change pending on its device and a
// critical licence, the header counting the licences due.
func TestGoldenKeyProfileLicence(t *testing.T) {
	d := newDriver(t, tProfilesFixture(t), 80, 24)
	d.press("2", "/", "KD-0003", "enter", "enter")
	goldenView(t, d)
}

// The Keys list at 120 columns shows the profile and licence columns.
func TestGoldenKeysListWide(t *testing.T) {
	d := newDriver(t, tProfilesFixture(t), 120, 24)
	d.press("2")
	goldenView(t, d)
}
