package codeview

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/component/styles"
	"github.com/muesli/termenv"
)

func TestBigDigitsGroupsThreeAndThree(t *testing.T) {
	out := BigDigits("482913")
	rows := strings.Split(out, "\n")
	if len(rows) != 5 {
		t.Fatalf("want 5 rows, got %d", len(rows))
	}
	for _, r := range rows {
		if w := len([]rune(r)); w != BigDigitsWidth {
			t.Errorf("row width %d, want %d: %q", w, BigDigitsWidth, r)
		}
	}
	// The wide gap sits between the 3rd and 4th digit: columns 17..21.
	for _, r := range rows {
		if gap := string([]rune(r)[17:22]); gap != "     " {
			t.Errorf("no gap between the groups in %q", r)
		}
	}
	if BigDigits("000000") == BigDigits("888888") {
		t.Error("different digits drew the same")
	}
}

func TestRenderShowsEverythingNeededToReadAloud(t *testing.T) {
	r := lipgloss.NewRenderer(&strings.Builder{})
	r.SetColorProfile(termenv.Ascii)
	st := styles.New(r)
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	v := store.CodeView{Serial: "ST1", Digits: "482913", Employee: "Jane \x1b[2JDoe", Email: "jane@example.com", ExpiresAt: now.Add(7 * 24 * time.Hour)}
	for _, width := range []int{80, 40} {
		out := Render(st, v, width, 24, now)
		for _, want := range []string{"482 913", "four eight two — nine one three", "ST1", "jane@example.com", "2026-12-03 12:00 UTC", "in 7 days"} {
			if !strings.Contains(out, want) {
				t.Errorf("width %d: %q missing from\n%s", width, want, out)
			}
		}
		if strings.Contains(out, "\x1b") {
			t.Errorf("width %d: an escape from the data reached the screen", width)
		}
		for _, line := range strings.Split(out, "\n") {
			if w := lipgloss.Width(line); w > width {
				t.Errorf("width %d: line is %d wide: %q", width, w, line)
			}
		}
	}
}

// TestRenderFitsTheHeightGiven: the big digits whenever they fit, never a
// box taller than the space, nothing wrapped at 80 columns.
func TestRenderFitsTheHeightGiven(t *testing.T) {
	r := lipgloss.NewRenderer(&strings.Builder{})
	r.SetColorProfile(termenv.Ascii)
	st := styles.New(r)
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	v := store.CodeView{Serial: "ST10100002310133", Digits: "482913", Employee: "William Wright",
		Email: "william.wright@example.com", ExpiresAt: now.Add(7 * 24 * time.Hour)}
	bigRow := strings.Split(BigDigits(v.Digits), "\n")[0]
	for _, tc := range []struct {
		width, height int
		big           bool
	}{
		{80, 24, true}, {80, 18, true}, {80, 17, true}, {80, 16, true}, {80, 13, true},
		{80, 12, false}, {80, 9, false},
	} {
		out := Render(st, v, tc.width, tc.height, now)
		lines := strings.Split(out, "\n")
		if len(lines) > tc.height {
			t.Errorf("%dx%d: %d lines", tc.width, tc.height, len(lines))
		}
		if got := strings.Contains(out, bigRow); got != tc.big {
			t.Errorf("%dx%d: big digits shown %v, want %v:\n%s", tc.width, tc.height, got, tc.big, out)
		}
		for _, want := range []string{"482 913", "four eight two — nine one three", "(in 7 days)", "<william.wright@example.com>"} {
			if !strings.Contains(out, want) {
				t.Errorf("%dx%d: %q missing or wrapped in\n%s", tc.width, tc.height, want, out)
			}
		}
		if !strings.HasPrefix(lines[len(lines)-1], "╚") {
			t.Errorf("%dx%d: the bottom of the box is missing:\n%s", tc.width, tc.height, out)
		}
	}
	// Too short for any layout: the most compact one, for the caller to cut.
	if out := Render(st, v, 80, 5, now); lipgloss.Height(out) != 9 {
		t.Errorf("a 5-line space got %d lines, want the 9 of the most compact layout", lipgloss.Height(out))
	}
	// Narrower than the big digits need: the plain ones, within the width.
	for _, width := range []int{44, 40} {
		out := Render(st, v, width, 24, now)
		if strings.Contains(out, bigRow) {
			t.Errorf("width %d: the big digits do not fit, yet were drawn:\n%s", width, out)
		}
		for _, line := range strings.Split(out, "\n") {
			if w := lipgloss.Width(line); w > width {
				t.Errorf("width %d: line is %d wide: %q", width, w, line)
			}
		}
	}
}

func TestExpiryCountsWholeDaysLeft(t *testing.T) {
	r := lipgloss.NewRenderer(&strings.Builder{})
	r.SetColorProfile(termenv.Ascii)
	st := styles.New(r)
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	for left, want := range map[time.Duration]string{
		7 * 24 * time.Hour:           "(in 7 days)",
		7*24*time.Hour - time.Minute: "(in 7 days)",
		36 * time.Hour:               "(in 2 days)",
		24 * time.Hour:               "(in 1 day)",
		5 * time.Hour:                "(in 5 h)",
		-time.Minute:                 "(expired: issue a new code)",
	} {
		if got := Expiry(st, now.Add(left), now); !strings.Contains(got, want) {
			t.Errorf("%v left: got %q, want %q", left, got, want)
		}
	}
}
