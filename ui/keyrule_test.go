package ui

import (
	"testing"
)

// One key rule on every screen, the call screen included: while nothing
// is typed, 0-5, ?, tab and q do what they do everywhere; a letter on the
// call screen (or `/` anywhere) opens the search line, where every key
// types; one esc clears the search and gives the keys back.
func TestCallKeepsTheGlobalKeysUntilSomethingIsTyped(t *testing.T) {
	d := helpdeskDriver(t)
	d.mustSee("[0 Call]", "a-z type a name", "/ search", "? help", "q quit")
	d.press("2")
	d.mustSee("[2 Keys]")
	d.press("0", "?")
	if !d.app.showHelp {
		t.Fatalf("? on the call screen did not open the help:\n%s", d.view())
	}
	d.press("esc", "tab")
	d.mustSee("[1 Employees]")
	d.press("shift+tab")
	d.mustSee("[0 Call]")

	// Typing: every key types, digits and ? included.
	d.press("ada?2")
	d.mustSee("[0 Call]", "/ ada?2")
	d.press("esc") // one esc: cleared and closed
	d.mustNotSee("ada?2", "esc clear")
	d.mustSee("a-z type a name")
	d.press("1")
	d.mustSee("[1 Employees]")

	// `/` first: a phone number, digits 0-5 included.
	d.press("0", "/", "0044")
	d.mustSee("[0 Call]", "/ 0044")
	d.press("esc", "q")
	if !d.quit {
		t.Fatal("q after one esc did not quit")
	}
}
