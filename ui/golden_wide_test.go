package ui

import (
	"testing"

	"github.com/keydesk/keydesk/model"
)

// The screens issue #22 changed, at 160x48, drawn as with NO_COLOR (the
// ASCII profile, as every golden here): every state must read without
// colour — the active tab in brackets, the cursor's "> ", markers, "✓".

func TestGoldenWideEmployeesList(t *testing.T) {
	goldenView(t, newDriver(t, tFixtureStore(t), 160, 48))
}

func TestGoldenWideKeysListFiltered(t *testing.T) {
	d := newDriver(t, tFixtureStore(t), 160, 48)
	d.press("2", "f", "locked", "enter")
	goldenView(t, d)
}

func TestGoldenWideKeyLocked(t *testing.T) {
	st := tFixtureStore(t)
	k := keyIn(t, st, model.Locked)
	d := newDriver(t, st, 160, 48)
	d.press("2", "/", k.Serial, "enter", "enter")
	goldenView(t, d)
}

func TestGoldenWideAudit(t *testing.T) {
	d := newDriver(t, tFixtureStore(t), 160, 48)
	d.press("3")
	goldenView(t, d)
}

func TestGoldenWideHelpdeskCallStart(t *testing.T) {
	goldenView(t, helpdeskDriverAt(t, 160, 48))
}

func TestGoldenWideHelpdeskCallCaller(t *testing.T) {
	d := helpdeskDriverAt(t, 160, 48)
	d.press("turing", "enter")
	goldenView(t, d)
}

func TestGoldenWideHelpdeskKeysHelp(t *testing.T) {
	d := helpdeskDriverAt(t, 160, 48)
	d.press("2", "?")
	goldenView(t, d)
}

// At 80x24 too: the report-lost dialog, with its required field.
func TestGoldenReportLostDialog(t *testing.T) {
	d := helpdeskDriver(t)
	d.press("hopper", "enter", "L")
	goldenView(t, d)
}

func TestGoldenKeysFilterPicker(t *testing.T) {
	d := newDriver(t, tFixtureStore(t), 80, 24)
	d.press("2", "f")
	goldenView(t, d)
}

func TestGoldenAuditFilter(t *testing.T) {
	d := newDriver(t, tFixtureStore(t), 80, 24)
	d.press("3", "f", "device", "enter")
	goldenView(t, d)
}

func helpdeskDriverAt(t *testing.T, width, height int) *driver {
	t.Helper()
	st := tFixtureStore(t)
	return newDriverAs(t, st, tAddAdmin(t, st, "helen", model.RoleHelpdesk), width, height)
}
