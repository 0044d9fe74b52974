package ui

import (
	"testing"

	"github.com/keydesk/keydesk/model"
)

// One line after every action says what changed; after a reissue on the
// call, which digits no longer work.
func TestEveryActionSaysWhatChanged(t *testing.T) {
	d := helpdeskDriver(t)
	d.press("lovelace", "enter", "c")
	before := codeOnScreen(d.view())
	if before == "" {
		t.Fatalf("no code on screen:\n%s", d.view())
	}
	d.press("r", "enter")
	d.mustSee("✓ new code; " + model.GroupCode(before) + " no longer works")
	if after := codeOnScreen(d.view()); after == "" || after == before {
		t.Fatalf("the code on screen after the reissue: %q (before %q)", after, before)
	}

	d.press("esc", "esc", "hopper", "enter", "s", "enter")
	d.mustSee("✓ key KD-0003 is now Suspended")
	d.press("esc", "esc", "turing", "enter", "u", "enter")
	d.mustSee("✓ key KD-0004 unlocked: it is now Suspended")

	a := newDriver(t, tFixtureStore(t), 80, 24)
	a.press("2", "/", "kd-0006", "enter", "W", "enter")
	a.mustSee("✓ key KD-0006 wiped: back in stock as Ready")
}

// A code typed by the caller while on the call is the good news of the
// call: green, with a mark that reads without colour too.
func TestActivationOnTheCallIsGreen(t *testing.T) {
	d := helpdeskDriver(t)
	d.press("lovelace", "enter", "c")
	code := codeOnScreen(d.view())
	if _, err := d.st.DeviceEnterCode(tActor, "KD-0002", code); err != nil {
		t.Fatal(err)
	}
	d.reload()
	d.mustSee("✓ activated: key KD-0002 is Active")
	if !d.app.call.NoteIsGood() {
		t.Fatal("the activation is not drawn as good news")
	}
}

// After "I lost my key" the call shows no code and offers none.
func TestCallAfterAReportShowsNoCode(t *testing.T) {
	d := helpdeskDriver(t)
	d.press("hopper", "enter", "L", "on the train", "enter")
	d.mustSee("is now Suspended, reported lost: no code was shown")
	d.reload()
	d.mustSee("never shown: the key was reported lost")
	d.mustNotSee("press c to show it", "c show code")
	d.press("c")
	d.mustSee("its code is never shown")
}
