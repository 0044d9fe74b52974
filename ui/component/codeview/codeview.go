// Package codeview shows an activation code for reading aloud (SPEC 2.2):
// large digits grouped 3 + 3, the digits spelled as words, the key serial,
// the employee and the expiry. The wizard's result page and the code
// screen both draw it with Render.
package codeview

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/component/styles"
)

// layout is one way of drawing the block; layouts go from the roomiest
// to the most compact.
type layout struct {
	big        bool // the 5-row digits
	padY, padX int  // inside the box's border
	air        bool // blank lines between the parts
}

var layouts = []layout{
	{big: true, padY: 1, padX: 3, air: true},   // 18 lines
	{big: true, padY: 0, padX: 3, air: true},   // 16 lines
	{big: true, padY: 0, padX: 2, air: false},  // 13 lines
	{big: false, padY: 0, padX: 1, air: true},  // 12 lines
	{big: false, padY: 0, padX: 1, air: false}, // 10 lines
}

// Render draws the code block in at most width columns and, when it can,
// height lines: the roomiest layout that fits, so that the big digits
// show whenever there is space for them and the bottom of the box is
// never cut off on a short screen.
func Render(st *styles.Styles, v store.CodeView, width, height int, now time.Time) string {
	var out string
	for _, l := range layouts {
		if l.big && BigDigitsWidth+2*l.padX+2 > width {
			continue
		}
		out = render(st, v, l, width, now)
		if lipgloss.Height(out) <= height {
			return out
		}
	}
	return out // nothing fits: the most compact, for the caller to cut
}

func render(st *styles.Styles, v store.CodeView, l layout, width int, now time.Time) string {
	digits := st.BigDigits.Render(strings.Join(strings.Split(model.GroupCode(v.Digits), ""), " "))
	if l.big {
		digits = st.BigDigits.Render(BigDigits(v.Digits))
	}
	employee := model.Printable(v.Employee)
	if v.Email != "" {
		employee += " <" + model.Printable(v.Email) + ">"
	}
	gap := func() []string {
		if l.air {
			return []string{""}
		}
		return nil
	}
	var lines []string
	lines = append(lines, st.Title.Render("Activation code"))
	lines = append(lines, gap()...)
	lines = append(lines, digits)
	lines = append(lines, gap()...)
	lines = append(lines, st.Text.Render(model.GroupCode(v.Digits)), st.Subtle.Render(model.SpellCode(v.Digits)))
	lines = append(lines, gap()...)
	lines = append(lines,
		st.Label.Render("Key")+st.Text.Render(model.Printable(v.Serial)),
		st.Label.Render("Employee")+st.Text.Render(employee),
		st.Label.Render("Expires")+Expiry(st, v.ExpiresAt, now),
	)
	body := lipgloss.JoinVertical(lipgloss.Left, lines...)
	box := st.CodeBox.Padding(l.padY, l.padX)
	if lipgloss.Width(box.Render(body)) > width {
		box = box.Width(width - 2) // wrap long names rather than overflow
	}
	return box.Render(body)
}

// Expiry says when a code expires and how long that is from now, in the
// colour of how soon.
func Expiry(st *styles.Styles, at, now time.Time) string {
	when := at.UTC().Format("2006-01-02 15:04 UTC")
	left := at.Sub(now)
	switch {
	case left <= 0:
		return st.Error.Render(when + " (expired: issue a new code)")
	case left < 24*time.Hour:
		return st.Warning.Render(fmt.Sprintf("%s (in %d h)", when, int(math.Ceil(left.Hours()))))
	}
	days := int(math.Ceil(left.Hours() / 24)) // a fresh code reads "in 7 days"
	unit := "days"
	if days == 1 {
		unit = "day"
	}
	return st.Text.Render(fmt.Sprintf("%s (in %d %s)", when, days, unit))
}
