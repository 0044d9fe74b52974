// Package wizard is the employee-creation wizard (SPEC 4): Profile, Key,
// Review and Result, one page at a time, in a tea.Model that the root TUI
// embeds. It reads and writes only through the store, and only inside
// tea.Cmds, so a slow database never freezes the screen.
package wizard

import (
	"context"
	"crypto/x509"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/component/codeview"
	"github.com/keydesk/keydesk/ui/component/keypicker"
	"github.com/keydesk/keydesk/ui/component/mailprompt"
	"github.com/keydesk/keydesk/ui/component/styles"
)

// Config is what the wizard needs from the session that opens it.
type Config struct {
	Store  *store.Store
	Actor  model.Actor // who acts: the store checks their role
	Styles *styles.Styles
	Now    func() time.Time // nil = time.Now; for golden tests

	// May says whether the session's role allows an operation, so that
	// the wizard offers only what will work: the Key page needs
	// OpKeyAssign, e-mailing the code OpKeyCodeEmail. nil allows all
	// (the store checks again either way).
	May func(model.Operation) bool

	// MailConfigured, when set, has the Result page offer to e-mail the
	// code (SPEC 4): it tells whether a mail server is set up, as the
	// session last read the settings. nil: no e-mail option.
	MailConfigured func() bool
	Context        context.Context // ends a send when the session ends; nil = never
	MailRootCAs    *x509.CertPool  // nil = the system's roots
	MailTimeout    time.Duration   // 0 = 10 seconds
}

type page int

const (
	pageProfile page = iota
	pageKey
	pageReview
	pageResult
)

// Model is the wizard. Use it through a pointer: the profile form's fields
// point into it.
type Model struct {
	cfg  Config
	st   *styles.Styles
	keys keyMap

	width, height int
	page          page
	confirming    bool // the "Discard this new employee?" question is open

	// Profile.
	profile  model.EmployeeInput // as typed; the form's fields write here
	form     *huh.Form
	inputs   []*huh.Input // the form's fields, in profileFields order
	storeErr *fieldProblem
	checked  model.EmployeeInput // the profile as the store accepted it
	initCmd  tea.Cmd

	// Key.
	picker keypicker.Model
	choice *keypicker.Key // nil: no key; valid once the Key page was passed

	// Talking to the store. Every request carries an id; an answer with
	// another id is stale and dropped.
	request  int
	busy     string // what is running, shown in the status line
	creating bool   // a Create is running: leaving now would lie about what was stored
	failure  string // a problem without a field, shown in the status line

	// Result.
	created *store.NewEmployee
	copied  bool
	mail    *mailprompt.Model // e-mails the code; nil without a code or without Config.MailConfigured

	over   bool               // the admin finished or cancelled; see Finished
	result *store.NewEmployee // what was created; nil when cancelled
}

// New opens the wizard on its Person page.
func New(cfg Config) *Model {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	m := &Model{cfg: cfg, st: cfg.Styles, keys: newKeyMap(), width: 80, height: 24}
	m.picker = keypicker.New(cfg.Styles, "No key now: create the employee without a key")
	m.initCmd = m.openProfile("")
	return m
}

// Init starts the profile form (focus, cursor blink).
func (m *Model) Init() tea.Cmd { return m.initCmd }

// SetSize gives the wizard its share of the screen. The size comes only
// from here, never from tea.WindowSizeMsg: the root decides how much of the
// terminal the wizard gets.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = max(width, 1), max(height, 1)
	if m.form != nil {
		m.form.WithWidth(formWidth(m.width))
	}
	m.picker.SetSize(m.width, m.bodyHeight())
}

// Dirty reports whether the admin typed something not yet created.
func (m *Model) Dirty() bool {
	if m.page == pageResult {
		return false
	}
	for _, f := range profileFields {
		if *f.value(&m.profile) != "" {
			return true
		}
	}
	return false
}

// Update handles one message; the root forwards every message while the
// wizard is open.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		return m, nil // see SetSize
	case profileCheckedMsg:
		return m, m.profileChecked(msg)
	case keysLoadedMsg:
		m.keysLoaded(msg)
		return m, nil
	case createdMsg:
		return m, m.createFinished(msg)
	case codeview.CopiedMsg:
		m.copied = true
		if m.mail != nil {
			m.mail.Dismiss()
		}
		return m, nil
	case tea.KeyMsg:
		return m, m.handleKey(msg)
	}
	// Anything else (cursor blinks, the form's own messages) belongs to
	// the component on screen.
	switch m.page {
	case pageProfile:
		return m, m.updateForm(msg)
	case pageKey:
		return m, m.picker.UpdateSearch(msg)
	case pageResult:
		if m.mail != nil {
			return m, m.mail.Update(msg) // the prompt's cursor, the spinner, the send's answer
		}
	}
	return m, nil
}

func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	if m.confirming {
		return m.confirmKey(msg)
	}
	if m.creating {
		return nil // the answer decides where we go; nothing to do meanwhile
	}
	switch m.page {
	case pageProfile:
		return m.profileKey(msg)
	case pageKey:
		return m.keyPageKey(msg)
	case pageReview:
		return m.reviewKey(msg)
	case pageResult:
		return m.resultKey(msg)
	}
	return nil
}

// Finished reports whether the wizard is over and what it created (nil
// when the admin cancelled and nothing was stored). It is a state, not a
// message, so that the host checks it after each key it forwards and
// closes the wizard at once: keys that came in the same read as the last
// one (esc, then 2) belong to the screen behind it, not to a form about to
// close.
func (m *Model) Finished() (created *store.NewEmployee, over bool) {
	return m.result, m.over
}

// finish ends the wizard; see Finished.
func (m *Model) finish(created *store.NewEmployee) tea.Cmd {
	m.over, m.result = true, created
	return nil
}

// leave is esc on the first page or ctrl+c before the result: cancel at
// once when nothing was typed, otherwise ask first.
func (m *Model) leave() tea.Cmd {
	if m.Dirty() {
		m.confirming = true
		return nil
	}
	return m.finish(nil)
}

// may reports whether the session's role allows op.
func (m *Model) may(op model.Operation) bool { return m.cfg.May == nil || m.cfg.May(op) }

// nextRequest starts a store request and returns its id.
func (m *Model) nextRequest(busy string) int {
	m.request++
	m.busy = busy
	m.failure = ""
	return m.request
}

// answered reports whether a store answer is the one awaited, and clears
// the busy state when it is.
func (m *Model) answered(id int) bool {
	if id != m.request {
		return false
	}
	m.busy = ""
	return true
}
