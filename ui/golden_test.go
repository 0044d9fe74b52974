package ui

import (
	"testing"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/keydesk/keydesk/model"
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
	e, _ := st.EmployeeByID(k.EmployeeID)
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
