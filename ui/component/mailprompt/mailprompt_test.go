package mailprompt

import (
	"errors"
	"io"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/component/styles"
	"github.com/muesli/termenv"
)

// Sending itself is tested end to end by the code screen's and the
// wizard's tests, against a real SMTP server; these are the prompt's own
// rules.

func testPrompt() *Model {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	cfg := Config{Styles: styles.New(r), Configured: func() bool { return true }, SetupHint: "press 4"}
	return ForCode(cfg, store.CodeView{Serial: "ST1", Digits: "482913", Employee: "Jane Doe", Email: "jane@example.com"})
}

func TestAnotherSendsAnswerIsDropped(t *testing.T) {
	m := testPrompt()
	m.Open()
	if !m.Capturing() || !strings.Contains(m.View(80), "E-mail the code to: jane@example.com") {
		t.Fatalf("the prompt did not open on the employee's address: %q", m.View(80))
	}
	if cmd := m.Update(tea.KeyMsg{Type: tea.KeyEnter}); cmd == nil || !m.Sending() {
		t.Fatal("enter did not start a send")
	}
	m.Update(sentMsg{id: m.id + 1, to: "someone@example.com"})
	if !m.Sending() {
		t.Fatal("the answer of another send was taken for this one's")
	}
	if m.Open() != nil || !m.Sending() {
		t.Fatal("m during a send started another")
	}
	m.Update(sentMsg{id: m.id, to: "jane@example.com", err: errors.New("the mail server refused the recipient jane@example.com")})
	if got := m.View(80); got != "✗ the mail server refused the recipient jane@example.com" {
		t.Fatalf("the outcome line is %q", got)
	}
}

func TestViewStaysWithinTheWidth(t *testing.T) {
	m := testPrompt()
	m.Open()
	m.Update(tea.KeyMsg{Type: tea.KeyCtrlU})
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(strings.Repeat("x", 100))})
	m.Update(tea.KeyMsg{Type: tea.KeyEnter})
	for _, width := range []int{80, 40} {
		if w := lipgloss.Width(m.View(width)); w > width {
			t.Errorf("at %d columns the line is %d wide: %q", width, w, m.View(width))
		}
	}
	if !strings.Contains(m.View(80), "not an e-mail address") || !m.Capturing() {
		t.Errorf("an address that is none did not keep the prompt open with the reason: %q", m.View(80))
	}
}

func TestWithoutAMailServerMSaysWhereToSetOneUp(t *testing.T) {
	m := testPrompt()
	m.cfg.Configured = func() bool { return false }
	if got := m.Binding().Help().Desc; got != "e-mail (set up mail in 4 Settings)" {
		t.Errorf("the hint reads %q", got)
	}
	m.Open()
	if m.Capturing() || m.View(80) != "✗ no mail server is set up: press 4" {
		t.Errorf("m without a mail server: capturing %v, line %q", m.Capturing(), m.View(80))
	}
}
