// Package call is the helpdesk's call screen: one search line that finds
// the caller by name, e-mail, phone or key serial, and then the caller's
// key with what the call needs — its status, the code when asked for,
// wrong entries left, expiry — and the actions the role allows, all
// without leaving the screen.
package call

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/component/codeview"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/data"
	"github.com/keydesk/keydesk/ui/component/keyaction"
	"github.com/keydesk/keydesk/ui/component/mailprompt"
	"github.com/keydesk/keydesk/ui/component/rowlist"
)

// Model is the call screen.
type Model struct {
	common.Common
	idx     *data.Index
	actions *keyaction.KeyMap
	keys    keyMap
	list    rowlist.Model[data.EmployeeRow]
	mailCfg mailprompt.Config

	// openPending: enter came before the whole index, which the search
	// needs; the first match opens when it arrives, as if typed after.
	openPending bool

	caller uint64 // the employee the call is about; 0 while searching
	// The state of the caller's key's code, read at each change.
	stateGen    int
	stateSerial string // whose state it is
	state       store.CodeState
	hasState    bool
	// The code on screen: shown on `c`, or issued by an action during
	// the call. note says why a code shown before was taken away.
	code *store.CodeView
	mail *mailprompt.Model // e-mails the code on screen
	note string
	good bool // the note is good news (the key was activated)
	// lastStatus is the caller's key's status as last seen, to tell a
	// code used (Reserved or Suspended, then Active) while on the call.
	lastStatus model.Status
	lastSerial string
}

// New builds the screen; mail is what e-mailing a code needs.
func New(c common.Common, actions *keyaction.KeyMap, mail mailprompt.Config) *Model {
	m := &Model{Common: c, actions: actions, keys: defaultKeyMap(), mailCfg: mail}
	m.list = newList(c.Styles)
	return m
}

// Title is the tab's name.
func (m *Model) Title() string { return "Call" }

// SetSize sets the space the screen draws in.
func (m *Model) SetSize(width, height int) {
	m.Common.SetSize(width, height)
	m.list.Table.SetSize(width, height-searchLines)
}

// Capturing reports whether the search line or the e-mail prompt takes
// every key.
func (m *Model) Capturing() bool {
	if m.caller != 0 {
		return m.mail != nil && m.mail.Capturing()
	}
	return m.list.Search.Typing()
}

// Shown is called when the tab becomes the current one: a new call
// starts by typing a name. The search line waits, closed, for the first
// letter, so that 0-5, ?, tab and q keep the meaning they have on every
// screen until something is typed (`/` opens it for everything else).
func (m *Model) Shown() tea.Cmd { return nil }

// SetIndex shows new data: the matches again, and the caller's key as it
// is now.
func (m *Model) SetIndex(idx *data.Index) tea.Cmd {
	m.idx = idx
	m.list.KeepSelection(m.refilter)
	if m.openPending && !idx.Partial() {
		m.openPending = false
		if e, ok := m.list.Selected(); ok {
			return m.open(e.ID())
		}
	}
	if m.caller == 0 {
		return nil
	}
	if _, ok := idx.Employee(m.caller); !ok {
		m.closeCaller()
		return tea.Batch(m.list.Search.Open(), common.Cmd(common.InfoMsg{Text: "the caller's record was deleted meanwhile"}))
	}
	m.checkShownCode()
	m.noticeActivation()
	return m.loadState()
}

// Update handles a message meant for this screen.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case stateMsg:
		m.stateLoaded(msg)
		return nil
	case tea.KeyMsg:
		if m.caller != 0 {
			return m.callerKey(msg)
		}
		return m.searchKey(msg)
	}
	var cmds []tea.Cmd
	if m.mail != nil {
		cmds = append(cmds, m.mail.Update(msg)) // the send's spinner and answer
	}
	if m.caller == 0 {
		_, cmd := m.list.Search.Update(msg) // the cursor's blink
		cmds = append(cmds, cmd)
	}
	return tea.Batch(cmds...)
}

// searchKey is the one key rule of every screen, with the call screen's
// shortcut: the keys that work everywhere reach the app while nothing is
// typed (it handles them before this screen sees them); `/` opens the
// search line, where every key types; and here a letter (or any other
// character) also opens it and is its first character. One esc clears
// the search and closes the line.
func (m *Model) searchKey(k tea.KeyMsg) tea.Cmd {
	typing := m.list.Search.Typing()
	switch {
	case key.Matches(k, m.ListKeys.Open):
		return m.openSelected()
	case typing && key.Matches(k, m.keys.NewSearch) && m.list.Search.Query() == "":
		return nil // `/` out of habit: the line is open already
	case !typing && key.Matches(k, m.keys.NewSearch):
		return m.list.Search.Open()
	case !typing && k.Type == tea.KeyRunes && !k.Alt:
		open := m.list.Search.Open()
		_, cmd := m.list.Update(k, m.ListKeys, m.refilter)
		return tea.Batch(open, cmd)
	}
	_, cmd := m.list.Update(k, m.ListKeys, m.refilter)
	return cmd
}

// openSelected opens the caller under the cursor; before the whole index
// has come, the first match opens when it does.
func (m *Model) openSelected() tea.Cmd {
	if m.idx == nil || m.idx.Partial() {
		m.openPending = m.list.Search.Query() != ""
		return nil
	}
	if e, ok := m.list.Selected(); ok {
		return m.open(e.ID())
	}
	return nil
}

func (m *Model) callerKey(k tea.KeyMsg) tea.Cmd {
	if m.mail != nil && m.mail.Capturing() {
		return m.mail.Update(k)
	}
	if m.mail != nil {
		m.mail.Dismiss()
	}
	switch {
	case key.Matches(k, m.keys.BackToSearch):
		m.closeCaller()
		return m.list.Search.Open()
	case key.Matches(k, m.keys.NewSearch):
		m.closeCaller()
		m.list.Search.Clear()
		m.refilter()
		return m.list.Search.Open()
	case m.code != nil && key.Matches(k, m.keys.Copy):
		return codeview.Copy(m.Styles, m.code.Digits)
	case m.mailOffered() && key.Matches(k, m.mail.Binding()):
		return m.mail.Open()
	}
	cmd, _ := m.actions.Handle(&m.Common, m.idx, m.target(), k)
	return cmd
}

// open starts the call with an employee.
func (m *Model) open(id uint64) tea.Cmd {
	m.closeCaller()
	m.caller = id
	m.list.Search.Blur()
	m.noticeActivation() // the status the call starts from
	return m.loadState()
}

func (m *Model) closeCaller() {
	m.caller, m.code, m.mail, m.note, m.good, m.hasState = 0, nil, nil, "", false, false
	m.lastStatus, m.lastSerial = 0, ""
	m.stateGen++ // an answer about the last caller is not wanted
}

// target is the caller and their key, as the key actions see them.
func (m *Model) target() keyaction.Target {
	e, _ := m.idx.Employee(m.caller)
	return keyaction.EmployeeTarget(m.idx, e)
}

// TakeCode shows on this screen a code an action issued for the caller
// (a reissue, an unlock, a new key assigned), rather than on the code
// screen: the call goes on here. It reports whether the code was the
// caller's, and the line that says what changed: after a reissue, the
// digits read before, which no longer work.
func (m *Model) TakeCode(msg common.CodeMsg) (done string, ok bool) {
	v := msg.View
	if m.caller == 0 {
		return "", false
	}
	t := m.target()
	mine := t.Employee != nil && v.Email == t.Employee.RawEmail()
	if t.Key != nil && v.Serial == t.Key.Ref().Serial {
		mine = true
	}
	if !mine {
		return "", false
	}
	done = msg.Done
	if msg.Reissued && m.code != nil && m.code.Serial == v.Serial && m.code.Digits != v.Digits {
		done = "✓ new code; " + model.GroupCode(m.code.Digits) + " no longer works"
	}
	m.code, m.note, m.good = &v, "", false
	m.mail = mailprompt.ForCode(m.mailCfg, v)
	m.stateGen++ // a state read before this code is older than it
	return done, true
}

// mailOffered reports whether `m` e-mails the code on screen.
func (m *Model) mailOffered() bool {
	return m.code != nil && m.mail != nil && m.Access.May(model.OpKeyCodeEmail)
}

// ShortHelp is the footer's keys for what is on screen.
func (m *Model) ShortHelp() []key.Binding {
	switch {
	case m.caller != 0 && m.mail != nil && m.mail.Capturing():
		return m.mail.Help()
	case m.caller != 0:
		return append([]key.Binding{m.keys.BackToSearch}, m.callerActions()...)
	case m.list.Search.Typing():
		return []key.Binding{m.keys.OpenCaller, m.keys.Choose, m.keys.Clear}
	case m.list.Search.Query() != "":
		return []key.Binding{m.keys.OpenCaller, m.keys.Choose, m.keys.Clear, m.keys.NewSearch}
	}
	return []key.Binding{m.keys.TypeName, m.keys.NewSearch}
}

// callerActions are the keys that act in the call now.
func (m *Model) callerActions() []key.Binding {
	out := m.actions.Bindings(m.target())
	if m.code != nil {
		out = append(out, m.keys.Copy)
	}
	if m.mailOffered() {
		out = append(out, m.mail.Binding())
	}
	return out
}

// FullHelp is every key of the screen for this role, for `?`: the
// search, the key actions, and the keys of the call.
func (m *Model) FullHelp() [][]key.Binding {
	groups := [][]key.Binding{{m.keys.TypeName, m.keys.NewSearch, m.keys.OpenCaller, m.keys.Choose, m.keys.Clear}}
	if all := m.actions.All(); len(all) > 0 {
		groups = append(groups, all)
	}
	callKeys := []key.Binding{m.keys.BackToSearch}
	if m.Access.May(model.OpKeyCode) {
		callKeys = append(callKeys, m.keys.Copy)
	}
	if m.Access.May(model.OpKeyCodeEmail) {
		callKeys = append(callKeys, m.keys.Mail)
	}
	return append(groups, callKeys)
}

// Query is the search as typed, normalized.
func (m *Model) Query() string { return m.list.Search.Query() }

// View draws the screen.
func (m *Model) View() string {
	if m.caller != 0 && m.idx != nil {
		return m.callerView()
	}
	return m.searchView()
}
