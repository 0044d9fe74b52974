package ui

import (
	"strings"
	"testing"
)

// esc goes back to where a jump came from: Employees → search → an
// employee → enter on their key → esc lands on the employee, then on the
// list; a key's page → its employee → esc is the key again.
func TestEscGoesBackWhereTheJumpCameFrom(t *testing.T) {
	d := newDriver(t, tFixtureStore(t), 80, 24)
	d.press("/", "lovelace", "enter", "enter")
	d.mustSee("[1 Employees]", "Ada Lovelace", "History (")
	d.press("enter") // their key
	d.mustSee("[2 Keys]", "Key KD-0002")
	d.press("esc")
	d.mustSee("[1 Employees]", "Ada Lovelace", "History (")
	d.press("esc")
	d.mustSee("[1 Employees]", "1 of 7")

	d.press("2", "/", "kd-0003", "enter", "enter")
	d.mustSee("[2 Keys]", "Key KD-0003")
	d.press("enter") // its employee
	d.mustSee("[1 Employees]", "Grace Hopper")
	d.press("esc")
	d.mustSee("[2 Keys]", "Key KD-0003")
	d.press("esc")
	d.mustSee("[2 Keys]", "1 of 10")

	// A screen changed by hand starts afresh: esc stays on its screen.
	d.press("enter", "enter")
	d.mustSee("[1 Employees]", "Grace Hopper")
	d.press("2", "1", "esc")
	d.mustSee("[1 Employees]")
	d.mustNotSee("[2 Keys]")
}

// `? help` and `q quit` are at the end of every footer at 80 columns,
// on every screen and page where they work, whatever else gives way.
func TestFooterAlwaysEndsWithHelpAndQuit(t *testing.T) {
	for _, steps := range [][]string{
		{"1"}, {"1", "enter"}, {"2"}, {"2", "enter"}, {"3"}, {"4"}, {"5"}, {"0"},
		{"0", "lovelace", "enter"}, {"2", "/", "kd-0002", "enter", "enter"},
	} {
		d := newDriver(t, tFixtureStore(t), 80, 24)
		d.press(steps...)
		if f := d.footer(); !strings.HasSuffix(strings.TrimRight(f, " "), "? help • q quit") {
			t.Errorf("after %v the footer is %q", steps, f)
		}
	}
}

// A history row opens with enter once the arrows are in the history; esc
// closes it, then leaves the history, then the page.
func TestHistoryEntriesOpen(t *testing.T) {
	d := newDriver(t, tFixtureStore(t), 80, 24)
	d.press("2", "/", "kd-0004", "enter", "enter")
	d.mustSee("Key KD-0004", "enter open the employee")
	d.press("down")
	d.mustSee("enter open the entry", "esc leave the history")
	d.press("enter")
	d.mustSee("Audit entry", "Hash", "Previous hash", "key activated (key.activated)")
	d.press("esc")
	d.mustSee("Key KD-0004", "enter open the entry")
	d.press("esc", "esc")
	d.mustSee("1 of 10")

	d.press("1", "/", "lovelace", "enter", "enter", "up", "enter")
	d.mustSee("Audit entry", "Actor")
}

// The employee form behaves as the wizard: required fields marked *, a
// missing one refused under the field.
func TestEditFormMarksAndChecksRequiredFields(t *testing.T) {
	d := newDriver(t, tFixtureStore(t), 100, 30)
	d.press("/", "grace@", "enter", "e", "ctrl+u", "enter")
	d.mustSee("First name *", "first name is required")
}
