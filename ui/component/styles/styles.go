// Package styles is the one place keydesk's looks are defined. Styles are
// built from a session's renderer, never as package-level values: over SSH
// every admin's terminal has its own colours (and NO_COLOR, which the
// renderer's output reads from that session's environment).
package styles

import (
	"strconv"

	"github.com/charmbracelet/lipgloss"
	"github.com/keydesk/keydesk/model"
	"github.com/muesli/termenv"
)

// Palette: adaptive colours that read on light and dark terminals.
var (
	colorAccent  = lipgloss.AdaptiveColor{Light: "#5A3FC0", Dark: "#A99BFF"}
	colorSubtle  = lipgloss.AdaptiveColor{Light: "#6B6B6B", Dark: "#8A8A8A"}
	colorBorder  = lipgloss.AdaptiveColor{Light: "#BDBDBD", Dark: "#4A4A4A"}
	colorError   = lipgloss.AdaptiveColor{Light: "#B3261E", Dark: "#FF7A70"}
	colorSuccess = lipgloss.AdaptiveColor{Light: "#1B7A33", Dark: "#6BD98A"}
	colorWarning = lipgloss.AdaptiveColor{Light: "#8A5A00", Dark: "#F5C26B"}
	colorSelBg   = lipgloss.AdaptiveColor{Light: "#E4DEFF", Dark: "#3B3360"}
	colorText    = lipgloss.AdaptiveColor{Light: "#1A1A1A", Dark: "#EDEDED"}

	statusColors = map[model.Status]lipgloss.AdaptiveColor{
		model.Ready:       {Light: "#1B6FB3", Dark: "#7CC4FF"},
		model.Reserved:    {Light: "#8A5A00", Dark: "#F5C26B"},
		model.Active:      {Light: "#1B7A33", Dark: "#6BD98A"},
		model.Locked:      {Light: "#B3261E", Dark: "#FF7A70"},
		model.Suspended:   {Light: "#7A4FB3", Dark: "#C9A6FF"},
		model.Deactivated: {Light: "#6B6B6B", Dark: "#9A9A9A"},
		model.Compromised: {Light: "#8C1D5A", Dark: "#FF6FB5"},
	}
)

// Styles holds every style a screen may use.
type Styles struct {
	Renderer *lipgloss.Renderer

	Header      lipgloss.Style
	Tab         lipgloss.Style
	ActiveTab   lipgloss.Style
	Title       lipgloss.Style
	Subtle      lipgloss.Style
	Text        lipgloss.Style
	Label       lipgloss.Style
	Error       lipgloss.Style
	Success     lipgloss.Style
	Warning     lipgloss.Style
	Selected    lipgloss.Style
	TableHeader lipgloss.Style
	Box         lipgloss.Style
	Dialog      lipgloss.Style
	HelpKey     lipgloss.Style
	HelpDesc    lipgloss.Style

	BigDigits lipgloss.Style
	CodeBox   lipgloss.Style

	status map[model.Status]lipgloss.Style
}

// New builds the styles for one terminal.
func New(r *lipgloss.Renderer) *Styles {
	s := &Styles{Renderer: r, status: map[model.Status]lipgloss.Style{}}
	n := r.NewStyle
	colorAccent, colorSubtle, colorBorder := resolved(r, colorAccent), resolved(r, colorSubtle), resolved(r, colorBorder)
	colorError, colorSuccess, colorWarning := resolved(r, colorError), resolved(r, colorSuccess), resolved(r, colorWarning)
	colorSelBg, colorText := resolved(r, colorSelBg), resolved(r, colorText)
	s.Header = n().Foreground(colorText)
	s.Tab = n().Foreground(colorSubtle).Padding(0, 1)
	s.ActiveTab = n().Foreground(colorAccent).Bold(true).Underline(true).Padding(0, 1)
	s.Title = n().Foreground(colorAccent).Bold(true)
	s.Subtle = n().Foreground(colorSubtle)
	s.Text = n().Foreground(colorText)
	s.Label = n().Foreground(colorSubtle).Width(14)
	s.Error = n().Foreground(colorError).Bold(true)
	s.Success = n().Foreground(colorSuccess).Bold(true)
	s.Warning = n().Foreground(colorWarning)
	s.Selected = n().Background(colorSelBg).Foreground(colorText).Bold(true)
	s.TableHeader = n().Foreground(colorSubtle).Bold(true)
	s.Box = n().Border(lipgloss.RoundedBorder()).BorderForeground(colorBorder).Padding(0, 1)
	s.Dialog = n().Border(lipgloss.RoundedBorder()).BorderForeground(colorAccent).Padding(1, 2)
	s.HelpKey = n().Foreground(colorAccent)
	s.HelpDesc = n().Foreground(colorSubtle)
	s.BigDigits = n().Foreground(colorAccent).Bold(true)
	s.CodeBox = n().Border(lipgloss.DoubleBorder()).BorderForeground(colorAccent).Padding(1, 3)
	for st, c := range statusColors {
		s.status[st] = n().Foreground(resolved(r, c))
	}
	return s
}

// Status styles a status word in its colour.
func (s *Styles) Status(st model.Status) lipgloss.Style {
	if style, ok := s.status[st]; ok {
		return style
	}
	return s.Text
}

// Licence styles a licence status word: the closer to its end, the
// louder.
func (s *Styles) Licence(l model.LicenceStatus) lipgloss.Style {
	switch l {
	case model.LicenceExpired:
		return s.Error
	case model.LicenceCritical, model.LicenceWarning:
		return s.Warning
	case model.LicenceNone:
		return s.Subtle
	}
	return s.Text
}

// resolved is c as r draws it, worked out once: on a terminal of 256 or
// 16 colours, lipgloss otherwise converts the hex colour to the nearest
// one (a search in a colour space) at every Render, which made most of a
// session's redraw. The same escape sequences either way; elsewhere c
// itself (true colour and no colour cost nothing to convert).
func resolved(r *lipgloss.Renderer, c lipgloss.AdaptiveColor) lipgloss.TerminalColor {
	hex := c.Light
	if r.HasDarkBackground() {
		hex = c.Dark
	}
	switch tc := r.ColorProfile().Color(hex).(type) {
	case termenv.ANSI256Color:
		if tc >= 16 { // below, "n" would read as the 16-colour n
			return lipgloss.Color(strconv.Itoa(int(tc)))
		}
	case termenv.ANSIColor:
		return lipgloss.Color(strconv.Itoa(int(tc)))
	}
	return c
}
