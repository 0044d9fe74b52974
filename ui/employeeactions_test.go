package ui

import (
	"strings"
	"testing"
)

// The key actions work on the Employees list, on the selected employee's
// key: the line under the list says which, row by row, and the footer
// keeps the screen's own keys, help and quit.
func TestEmployeesListShowsTheSelectedRowsKeyActions(t *testing.T) {
	d := newDriver(t, tFixtureStore(t), 80, 24)
	d.mustSee("> Ada Lovelace", "Key actions   c show code · r reissue code · L report lost · R remove …")
	d.press("down") // Alan Turing, Locked
	d.mustSee("> Alan Turing", "Key actions   u unlock · L report lost · R remove · X compromised")
	d.mustNotSee("c show code")
	if f := d.footer(); !strings.Contains(f, "n new") || !strings.Contains(f, "? help") || !strings.Contains(f, "q quit") {
		t.Fatalf("footer: %q", f)
	}
	d.press("u")
	d.mustSee("Unlock key KD-0004?")
	d.press("esc", "down") // Barbara Liskov, no key
	d.mustSee("> Barbara Liskov", "Key actions   a assign")
	d.mustNotSee("u unlock")
}

func TestEmployeesListHidesKeyActionsWhileSearching(t *testing.T) {
	d := newDriver(t, tFixtureStore(t), 80, 24)
	d.press("/")
	d.mustNotSee("Key actions")
	d.press("grace", "enter")
	d.mustSee("> Grace Hopper", "Key actions   s suspend · L report lost · R remove · X compromised")
}
