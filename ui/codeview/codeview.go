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
	"github.com/keydesk/keydesk/ui/styles"
)

// Render draws the code block to fit width columns.
func Render(st *styles.Styles, v store.CodeView, width int, now time.Time) string {
	var digits string
	if width >= BigDigitsWidth+10 {
		digits = st.BigDigits.Render(BigDigits(v.Digits))
	} else {
		// Too narrow for the big font: wide-spaced digits still read well.
		digits = st.BigDigits.Render(strings.Join(strings.Split(model.GroupCode(v.Digits), ""), " "))
	}
	employee := model.Printable(v.Employee)
	if v.Email != "" {
		employee += " <" + model.Printable(v.Email) + ">"
	}
	lines := []string{
		st.Title.Render("Activation code"),
		"",
		digits,
		"",
		st.Text.Render(model.GroupCode(v.Digits)),
		st.Subtle.Render(model.SpellCode(v.Digits)),
		"",
		st.Label.Render("Key") + st.Text.Render(model.Printable(v.Serial)),
		st.Label.Render("Employee") + st.Text.Render(employee),
		st.Label.Render("Expires") + expiry(st, v.ExpiresAt, now),
	}
	body := lipgloss.JoinVertical(lipgloss.Left, lines...)
	box := st.CodeBox
	if width < BigDigitsWidth+10 {
		box = box.Padding(0, 1)
	}
	if lipgloss.Width(box.Render(body)) > width {
		box = box.Width(width - 2) // wrap long names rather than overflow
	}
	return box.Render(body)
}

func expiry(st *styles.Styles, at, now time.Time) string {
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
