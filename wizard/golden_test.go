package wizard

import (
	"testing"

	"github.com/charmbracelet/x/exp/golden"
)

// The four pages at 80x24 without colour, compared with
// testdata/<test name>.golden. Regenerate with `go test ./wizard/ -update`
// (the flag is golden's own) and read the diff before committing it.

func TestGoldenPerson(t *testing.T) {
	h := newHarness(t)
	h.typeText("Jane")
	h.press("enter")
	h.typeText("Doe")
	h.press("enter")
	h.typeText("jane.doe@")
	h.press("enter")
	golden.RequireEqual(t, []byte(h.w.View()))
}

func TestGoldenKey(t *testing.T) {
	h := newHarness(t)
	h.fillProfile(tJane)
	h.typeText("NFC")
	golden.RequireEqual(t, []byte(h.w.View()))
}

func TestGoldenReview(t *testing.T) {
	h := newHarness(t)
	h.toReview(tJane, "0003")
	golden.RequireEqual(t, []byte(h.w.View()))
}

func TestGoldenResult(t *testing.T) {
	h := newHarness(t)
	h.toReview(tJane, "0003")
	h.press("enter")
	golden.RequireEqual(t, []byte(h.w.View()))
}
