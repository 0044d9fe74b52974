package ui

import (
	"strings"
	"testing"
)

// The key actions work on the Keys list, on the selected key: the line
// under the list says which, row by row, and the footer keeps the
// screen's own keys, help and quit.
func TestKeysListShowsTheSelectedRowsKeyActions(t *testing.T) {
	d := newDriver(t, tFixtureStore(t), 80, 24)
	d.press("2")
	d.mustSee("> KD-0001", "Key actions   a assign")
	d.press("down", "down", "down") // KD-0004, Locked
	d.mustSee("> KD-0004", "Key actions   u unlock · L report lost · R remove · X compromised")
	d.mustNotSee("a assign")
	if f := d.footer(); !strings.Contains(f, "f filter") || !strings.Contains(f, "? help") || !strings.Contains(f, "q quit") {
		t.Fatalf("footer: %q", f)
	}
	d.press("u")
	d.mustSee("Unlock key KD-0004?")
	d.press("esc", "down", "down") // KD-0006, Deactivated
	d.mustSee("> KD-0006", "Key actions   W wiped")
	d.mustNotSee("u unlock")
}

func TestKeysListHidesKeyActionsWhileSearching(t *testing.T) {
	d := newDriver(t, tFixtureStore(t), 80, 24)
	d.press("2", "/")
	d.mustNotSee("Key actions")
	d.press("KD-0003", "enter")
	d.mustSee("> KD-0003", "Key actions   s suspend · L report lost · R remove · X compromised")
}
