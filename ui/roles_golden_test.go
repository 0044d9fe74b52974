package ui

import (
	"strings"
	"testing"

	"github.com/keydesk/keydesk/model"
)

// Golden views at 80x24 of sessions whose role is not admin: the header
// names the role, and only what the role allows is offered.

func helpdeskDriver(t *testing.T) *driver {
	t.Helper()
	st := tFixtureStore(t)
	return newDriverAs(t, st, tAddAdmin(t, st, "helen", model.RoleHelpdesk), 80, 24)
}

// A helpdesk session starts on the call screen, typing.
func TestGoldenHelpdeskCallStart(t *testing.T) {
	goldenView(t, helpdeskDriver(t))
}

func TestGoldenHelpdeskCallSearch(t *testing.T) {
	d := helpdeskDriver(t)
	d.press("example.com")
	goldenView(t, d)
}

// The caller found: their key, its state, and the actions, the code not
// shown yet.
func TestGoldenHelpdeskCallCaller(t *testing.T) {
	d := helpdeskDriver(t)
	d.press("lovelace", "enter")
	goldenView(t, d)
}

// `c` shows the code on the call screen, for reading aloud.
func TestGoldenHelpdeskCallCode(t *testing.T) {
	d := helpdeskDriver(t)
	d.press("lovelace", "enter", "c")
	goldenView(t, d)
}

// `?` on the call screen lists the helpdesk's keys only.
func TestGoldenHelpdeskCallHelp(t *testing.T) {
	d := helpdeskDriver(t)
	d.press("esc", "?")
	goldenView(t, d)
}

// `?` on the Keys screen: no import, no remove, compromise or wiped.
func TestGoldenHelpdeskKeysHelp(t *testing.T) {
	d := helpdeskDriver(t)
	d.press("esc", "2", "?")
	goldenView(t, d)
}

// An Active key's page: suspend, not remove or compromise.
func TestGoldenHelpdeskKeyActive(t *testing.T) {
	d := helpdeskDriver(t)
	k := keyIn(t, d.st, model.Active)
	d.press("esc", "2", "/", k.Serial, "enter", "enter")
	goldenView(t, d)
}

// An auditor's key page offers nothing, and says why.
func TestGoldenAuditorKeyActive(t *testing.T) {
	st := tFixtureStore(t)
	d := newDriverAs(t, st, tAddAdmin(t, st, "audrey", model.RoleAuditor), 80, 24)
	k := keyIn(t, st, model.Active)
	d.press("2", "/", k.Serial, "enter", "enter")
	goldenView(t, d)
}

// Without a mail server, `m` tells a helpdesk person to ask an admin: the
// Settings screen is not theirs to change.
func TestHelpdeskWithoutMailIsToldToAskAnAdmin(t *testing.T) {
	d := helpdeskDriver(t)
	d.press("lovelace", "enter", "c", "m")
	if v := d.view(); !strings.Contains(v, "no mail server is set up: ask an admin to set one up") || strings.Contains(v, "4 for Settings") {
		t.Fatalf("after m without a mail server:\n%s", v)
	}
}

// `?` on the Profiles screen offers a helpdesk person no change.
func TestHelpdeskProfilesHelpOffersNoChange(t *testing.T) {
	d := helpdeskDriver(t)
	d.press("esc", "5", "?")
	v := d.view()
	if !strings.Contains(v, "Profiles") || strings.Contains(v, "n new") || strings.Contains(v, "e edit") || strings.Contains(v, "D delete") {
		t.Fatalf("the Profiles help of a helpdesk session:\n%s", v)
	}
}
