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
