package ui

import (
	"strings"
	"testing"
)

// Columns by what the screen is for at its width: the phone on a wide
// Employees list, and the column the rows are sorted by at any width.
func TestColumnsByWidthAndSortedByColumnShown(t *testing.T) {
	d := newDriver(t, tFixtureStore(t), 160, 48)
	d.mustSee("Phone", "+44 20 7946 0001")
	d.send(resize(80, 24))
	d.mustNotSee("Phone")
	d.press("o", "o") // by department
	d.mustSee("sorted by department", "Department")

	k := newDriver(t, tDemoStore(t), 80, 24)
	k.press("2")
	k.mustNotSee("Licence ")
	for range 4 {
		k.press("o")
	}
	k.mustSee("sorted by licence end")
	header := strings.Split(k.view(), "\n")[3]
	if !strings.Contains(header, "Licence") {
		t.Fatalf("sorted by licence end without the licence column: %q", header)
	}
}

// A re-sort keeps the record under the cursor where it was on screen,
// with the rows that now come before it above it, not hidden.
func TestResortKeepsTheRowsAboveTheCursor(t *testing.T) {
	d := newDriver(t, tDemoStore(t), 80, 24)
	for _, keys := range [][]string{{"G"}, {"g", "pgdown", "up"}, {"G", "up", "up", "up"}} {
		d.press(keys...)
		before := d.app.employees.ListScreenRow()
		d.press("o") // another order
		want := min(before, d.app.employees.ListCursor())
		if after := d.app.employees.ListScreenRow(); after < want { // rows above it pushed off
			t.Fatalf("after %v and a re-sort the cursor is on screen row %d, want at least %d", keys, after, want)
		}
	}
}
