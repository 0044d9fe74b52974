// Package mailprompt e-mails from a screen: `m` opens a one-line prompt
// for the address (prefilled, editable), enter sends in the background
// with a spinner, and the outcome takes the same line. The code screen
// and the wizard's Result page use it to send an activation code; the
// Settings screen uses it for its test message. Whatever happens, the
// screen around it stays as it was.
package mailprompt

import (
	"context"
	"crypto/x509"
	"strings"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/component/dialog"
	"github.com/keydesk/keydesk/ui/component/styles"
)

// Config is what sending needs from the session.
type Config struct {
	Store   *store.Store
	Actor   model.Actor // who acts: the store checks their role
	Styles  *styles.Styles
	Context context.Context // ends a send when the session ends; nil = never
	RootCAs *x509.CertPool  // trusted by the mail server's certificate check; nil = the system's
	Timeout time.Duration   // a whole send at most; 0 = the mailer's 10 seconds
	// Configured tells whether a mail server is set up, as the session
	// last read the settings: it decides the hint and what `m` does.
	Configured func() bool
	// SetupHint says where mail is set up, after "no mail server is set
	// up: ".
	SetupHint string
	// CanSetUp tells whether this person may set a mail server up (their
	// role may change the settings); nil means yes. Others are told to
	// ask an admin instead of where the settings are.
	CanSetUp func() bool
}

type state int

const (
	idle      state = iota
	prompting       // the address line takes every key
	sending         // the spinner turns
	done            // the outcome is shown
)

// Model is one prompt: for one code, or for test messages.
type Model struct {
	cfg  Config
	job  job
	keys keyMap

	state   state
	input   textinput.Model
	invalid string // why the typed address cannot be sent to
	spin    spinner.Model
	to      string // the address of the last send
	outcome string
	failed  bool
	id      int64 // tags the answer of the last send
}

type keyMap struct {
	Open, Send, Cancel key.Binding
}

// job is what a prompt sends.
type job struct {
	code  *store.CodeView // nil: a test message
	label string          // before the address: "E-mail the code to"
	sent  string          // before the address on success: "code e-mailed to"
	open  string          // the help of `m`
}

// ForCode is the prompt that e-mails code, by default to the employee.
func ForCode(cfg Config, code store.CodeView) *Model {
	return newModel(cfg, job{code: &code, label: "E-mail the code to", sent: "code e-mailed to", open: "e-mail the code"}, "m")
}

// ForTest is the prompt that sends a test message of the mail settings.
func ForTest(cfg Config) *Model {
	return newModel(cfg, job{label: "Send a test message to", sent: "test message sent to", open: "send a test message"}, "t")
}

func newModel(cfg Config, j job, openKey string) *Model {
	if cfg.Context == nil {
		cfg.Context = context.Background()
	}
	m := &Model{cfg: cfg, job: j}
	m.keys = keyMap{
		Open:   key.NewBinding(key.WithKeys(openKey), key.WithHelp(openKey, j.open)),
		Send:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "send")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
	m.input = dialog.NewTextInput(cfg.Styles)
	m.input.CharLimit = 254
	m.input.Placeholder = "name@example.com"
	m.spin = spinner.New(spinner.WithSpinner(spinner.Dot), spinner.WithStyle(cfg.Styles.Title))
	if j.code != nil {
		m.to = j.code.Email
	}
	return m
}

func (c Config) canSetUp() bool { return c.CanSetUp == nil || c.CanSetUp() }

// setupHint follows "no mail server is set up: ".
func (c Config) setupHint() string {
	if !c.canSetUp() {
		return "ask an admin to set one up"
	}
	return c.SetupHint
}

// configured reports whether there is a mail server to send through.
func (m *Model) configured() bool { return m.cfg.Configured == nil || m.cfg.Configured() }

// Binding is the key that opens the prompt, with a help that says where
// to set mail up while there is no mail server.
func (m *Model) Binding() key.Binding {
	if m.configured() {
		return m.keys.Open
	}
	k := m.keys.Open.Help().Key
	desc := "e-mail (set up mail in 4 Settings)"
	if !m.cfg.canSetUp() {
		desc = "e-mail (" + store.NoMailServer + ": ask an admin)"
	}
	if m.job.code == nil {
		desc = "send a test message (set up mail first)"
	}
	return key.NewBinding(key.WithKeys(k), key.WithHelp(k, desc))
}

// Capturing reports whether the address line takes every key.
func (m *Model) Capturing() bool { return m.state == prompting }

// Sending reports whether a send is on its way.
func (m *Model) Sending() bool { return m.state == sending }

// Help is the keys of the prompt while it is open.
func (m *Model) Help() []key.Binding { return []key.Binding{m.keys.Send, m.keys.Cancel} }

// Open is the admin pressing `m`: the prompt, or why there is none.
func (m *Model) Open() tea.Cmd {
	switch {
	case m.state == sending:
		return nil
	case !m.configured():
		m.state, m.failed = done, true
		m.outcome = noServer(m.cfg.setupHint()).Error()
		return nil
	}
	m.state, m.invalid = prompting, ""
	m.input.SetValue(m.to)
	m.input.CursorEnd()
	return m.input.Focus()
}

// Dismiss clears the outcome line (not a send on its way).
func (m *Model) Dismiss() {
	if m.state == done {
		m.state = idle
	}
}

// Update handles the prompt's keys while it is open, the spinner's ticks
// and the answer of the send.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case sentMsg:
		if msg.id != m.id || m.state != sending {
			return nil // another prompt's, or a stale one
		}
		m.state, m.failed = done, msg.err != nil
		if msg.err != nil {
			m.outcome = errorLine(msg.err)
		} else {
			m.outcome = m.job.sent + " " + model.Printable(msg.to)
		}
		return nil
	case spinner.TickMsg:
		if m.state != sending {
			return nil // stops the ticking
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return cmd
	case tea.KeyMsg:
		if m.state == prompting {
			return m.promptKey(msg)
		}
		return nil
	}
	if m.state == prompting {
		var cmd tea.Cmd
		m.input, cmd = m.input.Update(msg)
		return cmd
	}
	return nil
}

func (m *Model) promptKey(k tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(k, m.keys.Cancel):
		m.input.Blur()
		m.state = idle
		return nil
	case key.Matches(k, m.keys.Send):
		to, err := model.NormalizeEmail(m.input.Value())
		if err != nil {
			m.invalid = "not an e-mail address"
			return nil
		}
		m.input.Blur()
		m.state, m.to, m.invalid = sending, to, ""
		m.id = nextID.Add(1)
		// The send first: a test harness that runs commands one after
		// the other must not wait on the spinner for ever.
		return tea.Batch(m.send(to), m.spin.Tick)
	}
	m.invalid = ""
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(k)
	return cmd
}

var nextID atomic.Int64

// View is the prompt's one line, at most width columns: the address being
// typed, the spinner, or the outcome; "" when there is nothing to say.
func (m *Model) View(width int) string {
	st := m.cfg.Styles
	var line string
	switch m.state {
	case prompting:
		label := st.Text.Render(m.job.label + ": ")
		problem := ""
		if m.invalid != "" {
			problem = "  " + st.Error.Render("✗ "+m.invalid)
		}
		// As wide as what is typed, so the line stays under the code.
		typed := max(ansi.StringWidth(m.input.Value()), ansi.StringWidth(m.input.Placeholder)) + 1
		m.input.Width = max(min(typed, width-ansi.StringWidth(label)-ansi.StringWidth(problem)-1), 8)
		m.input.SetCursor(m.input.Position()) // scrolls what is typed into the new width
		line = label + m.input.View() + problem
	case sending:
		line = m.spin.View() + st.Subtle.Render(sendingText(m.job, m.to)) // the frames end with a space
	case done:
		if m.failed {
			line = st.Error.Render("✗ " + m.outcome)
		} else {
			line = st.Success.Render("✓ " + m.outcome)
		}
	}
	if ansi.StringWidth(line) > width {
		line = ansi.Truncate(line, width, "…")
	}
	return line
}

func sendingText(j job, to string) string {
	what := "a test message"
	if j.code != nil {
		what = "the code"
	}
	return "sending " + what + " to " + model.Printable(to) + "…"
}

// errorLine is a failed send in the admin's words: the mailer's sentence
// ("the mail server refused the user name or password"), one line.
func errorLine(err error) string {
	text, _, _ := strings.Cut(err.Error(), "\n")
	return model.Printable(text)
}
