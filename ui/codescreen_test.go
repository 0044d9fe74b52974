package ui

import (
	"strings"
	"testing"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/component/codeview"
)

// At 80x24 the code screen shows the big digits, whole, and says "copied"
// on its own line: a footer message would take a line from the code.
func TestCodeScreenKeepsTheBigDigitsWhenCopying(t *testing.T) {
	st := tFixtureStore(t)
	k := keyIn(t, st, model.Reserved)
	d := newDriver(t, st, 80, 24)
	d.press("2", "/", k.Serial, "enter", "c")
	before := d.view()
	view, _ := st.ShowCode(tActor, store.Serial(k.Serial))
	bigRow := strings.Split(codeview.BigDigits(view.Digits), "\n")[0]
	for _, want := range []string{bigRow, "(in 6 days)", "╚"} {
		if !strings.Contains(before, want) {
			t.Fatalf("%q missing:\n%s", want, before)
		}
	}
	d.press("y")
	d.mustSee("code copied to your clipboard")
	after := strings.Split(d.view(), "\n")
	for i, line := range strings.Split(before, "\n")[:21] { // the header and the box
		if after[i] != line {
			t.Fatalf("copying moved the code: line %d is %q, was %q", i, after[i], line)
		}
	}
	d.press("x") // any key clears it
	d.mustNotSee("code copied")
}
