// Package settings is the Settings screen: the mail server that sends
// activation codes, shared by everyone who uses this database (locally or
// over SSH). It shows the settings (never the password), edits them in a
// form, and sends a test message.
package settings

import (
	"fmt"
	"strconv"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/data"
	"github.com/keydesk/keydesk/ui/component/mailprompt"
)

// Model is the Settings screen.
type Model struct {
	common.Common
	keys keyMap

	gen     int // bumped by every change in the store
	smtp    model.SMTPSettings
	rev     uint64 // of smtp: an edit form saves only over these settings
	loaded  bool
	loadErr error
	form    *editForm         // nil: not editing
	test    *mailprompt.Model // the test message's prompt
}

type keyMap struct {
	Edit common.Guarded
}

// New builds the screen; mail is what sending a test message needs (its
// Configured is this screen's own).
func New(c common.Common, mail mailprompt.Config) *Model {
	m := &Model{Common: c}
	m.keys.Edit = common.Guard(key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit")), model.OpSettingsChange)
	mail.Configured = m.Configured
	mail.SetupHint = "press e to set one up"
	m.test = mailprompt.ForTest(mail)
	return m
}

// Title is the tab's name.
func (m *Model) Title() string { return "Settings" }

// SetSize sets the space the screen draws in.
func (m *Model) SetSize(width, height int) {
	m.Common.SetSize(width, height)
	if m.form != nil {
		m.form.SetSize(width, height)
	}
}

// Capturing reports whether the form or the test prompt takes every key.
func (m *Model) Capturing() bool { return m.form != nil || m.test.Capturing() }

// Shown is called when the tab becomes the current one.
func (m *Model) Shown() tea.Cmd { return nil }

// SetIndex is called after every change in the store: the settings are
// read again, since another admin may have changed them.
func (m *Model) SetIndex(*data.Index) tea.Cmd {
	m.gen++
	return load(m.Store, m.gen)
}

// Editing reports whether the edit form is open.
func (m *Model) Editing() bool { return m.form != nil }

// Configured reports whether a mail server is set up, as last read.
func (m *Model) Configured() bool { return m.loaded && m.smtp.Configured() }

// loadedMsg is the settings as read after a change.
type loadedMsg struct {
	gen  int
	smtp model.SMTPSettings
	rev  uint64
	err  error
}

func load(st *store.Store, gen int) tea.Cmd {
	return func() tea.Msg {
		s, rev, err := st.SMTPSettings()
		return loadedMsg{gen: gen, smtp: s, rev: rev, err: err}
	}
}

// Update handles a message meant for this screen.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case loadedMsg:
		// Revisions only grow: a lower one was read before this
		// session's own save, and would make its next edit look stale.
		if msg.gen == m.gen && (msg.err != nil || msg.rev >= m.rev) {
			m.smtp, m.rev, m.loadErr, m.loaded = msg.smtp, msg.rev, msg.err, msg.err == nil
		}
		return nil
	case savedMsg:
		return m.saved(msg)
	case tea.KeyMsg:
		return m.keyPress(msg)
	}
	// The test message's spinner and answer, even with the form open; the
	// form's own messages (huh finishes a form in one of them).
	cmd := m.test.Update(msg)
	if m.form != nil {
		cmd = tea.Batch(cmd, common.UpdateForm(&m.form, msg))
	}
	return cmd
}

func (m *Model) keyPress(k tea.KeyMsg) tea.Cmd {
	switch {
	case m.form != nil:
		return common.UpdateForm(&m.form, k)
	case m.test.Capturing():
		return m.test.Update(k)
	}
	m.test.Dismiss()
	switch {
	case m.Access.Pressed(k, m.keys.Edit) && m.loaded:
		var cmd tea.Cmd
		m.form, cmd = newEditForm(&m.Common, formValuesOf(m.smtp), m.smtp.Password, m.rev)
		return cmd
	case m.Access.Pressed(k, m.testKey()):
		return m.test.Open()
	}
	return nil
}

// testKey is `t`, which sends a test message.
func (m *Model) testKey() common.Guarded { return common.Guard(m.test.Binding(), model.OpSettingsTest) }

// actions are the keys that work on the settings, as the role allows.
func (m *Model) actions() []key.Binding { return m.Access.Offered(m.keys.Edit, m.testKey()) }

func (m *Model) saved(msg savedMsg) tea.Cmd {
	if m.form == nil || msg.form != m.form {
		return nil
	}
	if msg.err != nil {
		// Back to the form, with what was typed and the reason. It keeps
		// the revision it was opened on: after another admin's save, it
		// is refused again until reopened on what they saved.
		var cmd tea.Cmd
		m.form, cmd = newEditForm(&m.Common, m.form.values, m.form.password, m.form.rev)
		m.form.SetProblem(model.Printable(msg.err.Error()))
		return cmd
	}
	// What was saved is what the store holds now, at the next revision:
	// shown, and edited again, without waiting for the reload.
	m.smtp, m.rev, m.loaded, m.loadErr = msg.settings, m.form.rev+1, true, nil
	m.form = nil
	return common.Cmd(common.InfoMsg{Text: "mail settings saved"})
}

// ShortHelp is the footer's keys for what is on screen.
func (m *Model) ShortHelp() []key.Binding {
	switch {
	case m.form != nil:
		return m.form.help()
	case m.test.Capturing():
		return m.test.Help()
	}
	return m.actions()
}

// FullHelp is every key of the screen, for `?`.
func (m *Model) FullHelp() [][]key.Binding {
	if a := m.actions(); len(a) > 0 {
		return [][]key.Binding{a}
	}
	return nil
}

// portText is a port for a form field; "" for none yet.
func portText(p int) string {
	if p == 0 {
		return ""
	}
	return strconv.Itoa(p)
}

// tlsWords names a TLS mode for an admin.
func tlsWords(t model.TLSMode) string {
	switch t {
	case model.TLSStartTLS:
		return "STARTTLS"
	case model.TLSImplicit:
		return "implicit TLS"
	case model.TLSNone:
		return "none (no encryption)"
	}
	return fmt.Sprintf("%q", string(t))
}
