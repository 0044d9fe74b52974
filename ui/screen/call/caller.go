package call

import (
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/component/codeview"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/keyaction"
	"github.com/keydesk/keydesk/ui/component/table"
)

// stateMsg is the state of one key's code, as read after a change.
type stateMsg struct {
	gen    int
	serial string
	state  store.CodeState
	ok     bool
	err    error
}

// loadState reads the state of the caller's key's code, and of the key
// of the code on screen when that is another: a code reissued or used
// up meanwhile must not stay on screen.
func (m *Model) loadState() tea.Cmd {
	m.stateGen++
	var serials []string
	if t := m.target(); t.Key != nil && t.Key.Status().HasCode() {
		serials = append(serials, t.Key.Ref().Serial)
	}
	if m.code != nil && (len(serials) == 0 || serials[0] != m.code.Serial) {
		serials = append(serials, m.code.Serial)
	}
	st, gen := m.Store, m.stateGen
	var cmds []tea.Cmd
	for _, serial := range serials {
		cmds = append(cmds, func() tea.Msg {
			state, ok, err := st.KeyCodeState(serial)
			return stateMsg{gen: gen, serial: serial, state: state, ok: ok, err: err}
		})
	}
	return tea.Batch(cmds...)
}

func (m *Model) stateLoaded(msg stateMsg) {
	if msg.gen != m.stateGen || m.caller == 0 {
		return // about another caller, or older than the code on screen
	}
	if t := m.target(); t.Key != nil && t.Key.Ref().Serial == msg.serial {
		m.stateSerial, m.state, m.hasState = msg.serial, msg.state, msg.ok && msg.err == nil
	}
	// A key with no code any more (activated, locked) is told by its new
	// status when the lists catch up (checkShownCode): only a code issued
	// after the one on screen is said here.
	if m.code != nil && m.code.Serial == msg.serial && msg.err == nil && msg.ok && !sameMoment(msg.state.IssuedAt, m.code.IssuedAt) {
		m.dropCode("a new code was issued meanwhile: the one shown before no longer works")
	}
}

// sameMoment compares to the second: the store may keep times coarser
// than the clock gives them.
func sameMoment(a, b time.Time) bool { return a.Truncate(time.Second).Equal(b.Truncate(time.Second)) }

// checkShownCode takes the code off the screen once its key has none any
// more (activated, locked, removed), as the index says.
func (m *Model) checkShownCode() {
	if m.code == nil {
		return
	}
	k, ok := m.idx.KeyBySerial(m.code.Serial)
	switch {
	case !ok:
		m.dropCode("the key of the code shown before no longer exists")
	case k.Status() == model.Active:
		m.dropCode(fmt.Sprintf("✓ activated: key %s is Active", k.Serial()))
		m.good = true
	case !k.Status().HasCode():
		m.dropCode(fmt.Sprintf("the code shown before no longer works: key %s is %s now", k.Serial(), model.StatusWords(k.Status(), k.Reason())))
	}
}

// noticeActivation: the caller's key went from waiting for a code to
// Active while on the call (the code read aloud was typed): the best
// moment of the call, said in green, code on screen or not.
func (m *Model) noticeActivation() {
	k := m.target().Key
	if k == nil {
		m.lastStatus, m.lastSerial = 0, ""
		return
	}
	if k.Serial() == m.lastSerial && m.lastStatus.HasCode() && k.Status() == model.Active && m.note == "" {
		m.note, m.good = fmt.Sprintf("✓ activated: key %s is Active", k.Serial()), true
	}
	m.lastStatus, m.lastSerial = k.Status(), k.Serial()
}

func (m *Model) dropCode(why string) {
	if m.mail != nil && m.mail.Sending() {
		return // the line says how the send went first
	}
	m.code, m.mail, m.note, m.good = nil, nil, why, false
}

// callerView is the call: who, their key, its code and what can be done.
func (m *Model) callerView() string {
	st, w := m.Styles, m.Width
	t := m.target()
	e := t.Employee
	if e == nil {
		return st.Subtle.Render("This employee no longer exists.")
	}
	half := min(max(w/2, 30), 50)
	pair := func(l1, v1, l2, v2 string) string {
		return st.Label.Render(l1) + st.Text.Render(table.Fit(v1, half-15)) + " " + st.Label.Render(l2) + st.Text.Render(v2)
	}
	lines := []string{
		st.Title.Render("Call") + "  " + st.Text.Render(e.Name()),
		pair("E-mail", e.Email(), "Phone", dash(e.Phone())),
	}
	if m.code == nil {
		// With the code on screen its room matters more.
		lines = append(lines, pair("Department", dash(e.Department()), "Position", dash(e.Position())))
	}
	lines = append(lines, m.keyLines(t)...)
	for i := range lines {
		lines[i] = table.Fit(lines[i], w)
	}
	lines = append(lines, m.actionLines(t)...)
	switch {
	case m.code != nil:
		lines = append(lines, "")
		lines = append(lines, m.codeBlock(m.Height-len(lines)))
	case m.note != "" && m.good:
		lines = append(lines, "")
		lines = append(lines, st.Success.Render(table.Fit(m.note, w)))
	case m.note != "":
		lines = append(lines, "")
		lines = append(lines, st.Warning.Render(table.Fit(m.note, w)))
	}
	return strings.Join(lines, "\n")
}

// keyLines are the caller's key with its status, and its code's state:
// whether it can be shown, the wrong entries it still takes, its expiry.
func (m *Model) keyLines(t keyaction.Target) []string {
	st := m.Styles
	k := t.Key
	if k == nil {
		return []string{st.Label.Render("Key") + st.Subtle.Render("none: they hold no key")}
	}
	status := st.Status(k.Status()).Render(k.Status().String())
	if k.Reason() != model.NoReason {
		status += st.Subtle.Render(": " + k.Reason().Words())
	}
	lines := []string{st.Label.Render("Key") + st.Text.Render(k.Serial()) + "  " + status + st.Subtle.Render("  "+dash(k.Model()))}
	switch {
	case model.IsReportedLost(k.Status(), k.Reason()):
		return append(lines, st.Label.Render("Code")+st.Subtle.Render("never shown: the key was reported lost and waits for an admin"))
	case !k.Status().HasCode():
		return append(lines, st.Label.Render("Code")+st.Subtle.Render("none: a key that is "+k.Status().String()+" has no activation code"))
	case !m.hasState || m.stateSerial != k.Ref().Serial:
		return append(lines, st.Label.Render("Code")+st.Subtle.Render("reading…"))
	}
	attempts := st.Label.Render("Attempts") + st.Text.Render(fmt.Sprintf("%d of %d wrong entries left", m.state.AttemptsLeft, model.MaxCodeFailures))
	if m.code != nil {
		return append(lines, attempts) // the code's box says its expiry
	}
	code := st.Subtle.Render("press c to show it")
	if !m.Access.May(model.OpKeyCode) {
		code = st.Subtle.Render("your role does not show codes")
	}
	return append(lines, st.Label.Render("Code")+code, attempts,
		st.Label.Render("Expires")+codeview.Expiry(st, m.state.ExpiresAt, m.Now()))
}

// actionLines name the keys that act in the call now.
func (m *Model) actionLines(t keyaction.Target) []string {
	st := m.Styles
	actions := m.callerActions()
	switch {
	case len(actions) > 0:
		return common.BindingLines(st, "Actions", actions, m.Width)
	case t.Key != nil && len(model.AdminActions(t.Key.Status())) == 0:
		return []string{st.Label.Render("Actions") + st.Subtle.Render(fmt.Sprintf("none: %s is final", t.Key.Status()))}
	}
	return []string{st.Label.Render("Actions") + st.Subtle.Render(fmt.Sprintf("none for your role (%s)", m.Access.Role()))}
}

// codeBlock is the code for reading aloud in height lines, with the
// e-mail line under it.
func (m *Model) codeBlock(height int) string {
	w := m.Width
	block := codeview.Render(m.Styles, *m.code, w, height-1, m.Now())
	line := ""
	if m.mail != nil {
		line = m.mail.View(w)
	}
	// The line starts under the box's left edge, so neither moves as
	// the line changes.
	left := max((w-lipgloss.Width(block))/2, 0)
	left = min(left, max(w-lipgloss.Width(line), 0))
	out := lipgloss.PlaceHorizontal(w, lipgloss.Center, block)
	if line != "" {
		out += "\n" + strings.Repeat(" ", left) + line
	}
	return out
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// NoteIsGood reports whether the line under the caller is good news
// (drawn in the success colour), for tests.
func (m *Model) NoteIsGood() bool { return m.note != "" && m.good }
