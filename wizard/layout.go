package wizard

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/x/ansi"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/table"
	"github.com/muesli/termenv"
)

// The frame around every page: the step indicator and a rule on top, the
// status line and the help line at the bottom.
const frameLines = 4

var stepNames = [...]string{"Person", "Key", "Review", "Done"}

// View draws the page in exactly the size given by SetSize.
func (m *Model) View() string {
	height := m.bodyHeight()
	var body string
	switch {
	case m.confirming:
		body = m.confirmView(m.width, height)
	case m.page == pageProfile:
		body = m.profileView(height)
	case m.page == pageKey:
		body = m.keyPageView()
	case m.page == pageReview:
		body = m.reviewView(height)
	case m.page == pageResult:
		body = m.resultView(height)
	}
	parts := []string{
		m.stepBar(),
		m.st.Subtle.Render(strings.Repeat("─", m.width)),
		table.FitBlock(body, m.width, height),
		m.statusLine(),
		m.helpLine(),
	}
	return table.FitBlock(strings.Join(parts, "\n"), m.width, m.height)
}

func (m *Model) bodyHeight() int { return max(m.height-frameLines, 1) }

// stepBar is "New employee  1 Person › 2 Key › 3 Review › 4 Done" with
// the current step highlighted (and bracketed where there is no colour to
// show it).
func (m *Model) stepBar() string {
	plain := m.st.Renderer.ColorProfile() == termenv.Ascii
	var b strings.Builder
	b.WriteString(m.st.Title.Render("New employee"))
	b.WriteString("   ")
	for i, name := range stepNames {
		if i > 0 {
			b.WriteString(m.st.Subtle.Render(" › "))
		}
		label := fmt.Sprintf("%d %s", i+1, name)
		switch {
		case page(i) == m.page && plain:
			b.WriteString("[" + label + "]")
		case page(i) == m.page:
			b.WriteString(m.st.ActiveTab.UnsetPadding().Render(label))
		case page(i) < m.page:
			b.WriteString(m.st.Text.Render(label))
		default:
			b.WriteString(m.st.Subtle.Render(label))
		}
	}
	return b.String()
}

// statusLine says what is running, what went wrong, or what just
// happened.
func (m *Model) statusLine() string {
	switch {
	case m.confirming:
		return ""
	case m.busy != "":
		return m.st.Subtle.Render(m.busy)
	case m.failure != "":
		return m.st.Error.Render("✗ " + m.failure)
	case m.page == pageResult && m.mail != nil && (m.mail.Capturing() || m.mail.Sending()):
		return m.mail.View(m.width)
	case m.page == pageResult && m.copied:
		return m.st.Success.Render("✓ Code copied to your clipboard.")
	case m.page == pageResult && m.mail != nil:
		return m.mail.View(m.width) // how the last send went
	}
	return ""
}

func (m *Model) helpLine() string {
	var keys []key.Binding
	switch {
	case m.confirming:
		keys = m.confirmHelp()
	case m.page == pageProfile:
		keys = m.profileHelp()
	case m.page == pageKey:
		keys = m.keyPageHelp()
	case m.page == pageReview:
		keys = m.reviewHelp()
	case m.page == pageResult:
		keys = m.resultHelp()
	}
	h := common.NewHelp(m.st)
	h.Width = m.width
	return h.ShortHelpView(keys)
}

// dropBlankLines removes the empty lines of a page that is taller than
// height: on a short screen the content matters more than the air.
func dropBlankLines(lines []string, height int) []string {
	if len(lines) <= height {
		return lines
	}
	var kept []string
	for _, l := range lines {
		if l != "" {
			kept = append(kept, l)
		}
	}
	return kept
}

// wrapText breaks s into lines of at most width columns.
func wrapText(s string, width int) string {
	return ansi.Wrap(s, max(width, 1), "")
}

// hang indents every line of s by n spaces.
func hang(s string, n int) string {
	pad := strings.Repeat(" ", n)
	return pad + strings.ReplaceAll(s, "\n", "\n"+pad)
}
