package styles

import (
	"io"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// The colours worked out once draw exactly as lipgloss draws the
// adaptive ones, on every kind of terminal, light or dark.
func TestResolvedColoursDrawTheSame(t *testing.T) {
	palette := []lipgloss.AdaptiveColor{colorAccent, colorSubtle, colorBorder, colorError, colorSuccess, colorWarning, colorSelBg, colorText}
	for _, c := range statusColors {
		palette = append(palette, c)
	}
	for _, profile := range []termenv.Profile{termenv.TrueColor, termenv.ANSI256, termenv.ANSI, termenv.Ascii} {
		for _, dark := range []bool{false, true} {
			r := lipgloss.NewRenderer(io.Discard)
			r.SetColorProfile(profile)
			r.SetHasDarkBackground(dark)
			for _, c := range palette {
				got := resolved(r, c)
				if profile == termenv.ANSI256 || profile == termenv.ANSI {
					if _, same := got.(lipgloss.AdaptiveColor); same {
						t.Errorf("profile %v dark %v: %v not worked out", profile, dark, c)
					}
				}
				for _, style := range []func(lipgloss.TerminalColor) lipgloss.Style{
					func(c lipgloss.TerminalColor) lipgloss.Style { return r.NewStyle().Foreground(c).Bold(true) },
					func(c lipgloss.TerminalColor) lipgloss.Style { return r.NewStyle().Background(c) },
					func(c lipgloss.TerminalColor) lipgloss.Style {
						return r.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(c)
					},
				} {
					if want, got := style(c).Render("keydesk"), style(got).Render("keydesk"); want != got {
						t.Errorf("profile %v dark %v colour %v: %q, want %q", profile, dark, c, got, want)
					}
				}
			}
		}
	}
}
