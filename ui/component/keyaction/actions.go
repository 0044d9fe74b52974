package keyaction

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/data"
	"github.com/keydesk/keydesk/ui/component/dialog"
)

// Target is what an action is about, as the admin sees it now. Key is
// nil on the page of an employee who holds no key; Employee is nil
// outside an employee's page.
type Target struct {
	Key      *data.KeyRow
	Employee *data.EmployeeRow
}

// EmployeeTarget is an employee and the key they hold (if idx has it),
// as the actions see them; nil is no target.
func EmployeeTarget(idx *data.Index, e *data.EmployeeRow) Target {
	if e == nil {
		return Target{}
	}
	t := Target{Employee: e}
	if k, ok := idx.Key(e.KeyID()); ok && e.KeyID() != 0 {
		t.Key = k
	}
	return t
}

// actions are the action keys that work on the target now.
func (k *KeyMap) actions(t Target) []bound {
	switch {
	case t.Key != nil:
		return k.allowed(t.Key.Status(), t.Key.Reason())
	case t.Employee != nil && k.access.May(model.OpKeyAssign):
		return []bound{{k.Assign, action.pickKey}}
	}
	return nil
}

// Bindings are the action keys that work on the target now, for help.
func (k *KeyMap) Bindings(t Target) []key.Binding {
	var out []key.Binding
	for _, b := range k.actions(t) {
		out = append(out, b.Binding)
	}
	return out
}

// Handle starts the action bound to msg, if the target allows it. The
// returned command opens a dialog or calls the store; ok is false when
// msg is no action allowed here, and then nothing happens: an action the
// status does not allow is never offered.
func (k *KeyMap) Handle(c *common.Common, idx *data.Index, t Target, msg tea.KeyMsg) (cmd tea.Cmd, ok bool) {
	for _, b := range k.actions(t) {
		if !key.Matches(msg, b.Binding) {
			continue
		}
		a := action{c: c, idx: idx, t: t}
		if t.Key != nil {
			a.key = t.Key.Snapshot() // the key as on screen now, with its revision
		}
		return b.start(a), true
	}
	if why := k.whyNot(c, t, msg); why != "" {
		return common.Cmd(common.ErrMsg{Err: &model.Refusal{Msg: why}}), true
	}
	return nil, false
}

// action holds what one action needs between its dialog and its store
// call; the key's Ref (serial and revision) is taken when it starts.
type action struct {
	c   *common.Common
	idx *data.Index
	t   Target
	key *data.KeyRow
}

func open(d interface {
	common.Dialog
	Init() tea.Cmd
}) tea.Cmd {
	return tea.Batch(common.Cmd(common.OpenDialogMsg{Dialog: d}), d.Init())
}

// holder names the key's employee for a dialog ("held by Jane Doe").
func (a action) holder() string {
	if a.key.Employee() == "" {
		return ""
	}
	return fmt.Sprintf("Held by %s <%s>.", a.key.Employee(), a.key.Email())
}

// codeResult turns a store call that shows a code into the code screen.
func codeResult(view store.CodeView, err error) tea.Msg {
	if err != nil {
		return common.ErrMsg{Err: err}
	}
	return common.CodeMsg{View: view}
}

// changed turns a store call that issued a new code into the code
// screen, with the line that says what changed: done is given the view.
func changed(done func(v store.CodeView) string, reissued bool) func(store.CodeView, error) tea.Msg {
	return func(view store.CodeView, err error) tea.Msg {
		if err != nil {
			return common.ErrMsg{Err: err}
		}
		return common.CodeMsg{View: view, Done: "✓ " + done(view), Reissued: reissued}
	}
}

var (
	reissued = changed(func(v store.CodeView) string {
		return "new code for key " + model.Printable(v.Serial) + ": the code read before no longer works"
	}, true)
	suspended = changed(func(v store.CodeView) string {
		return "key " + model.Printable(v.Serial) + " is now Suspended: it works again with this code"
	}, false)
	unlocked = changed(func(v store.CodeView) string {
		return "key " + model.Printable(v.Serial) + " unlocked: it is now Suspended, until this code is entered"
	}, false)
	assigned = changed(func(v store.CodeView) string {
		return "key " + model.Printable(v.Serial) + " assigned to " + model.Printable(v.Employee) + ": it is now Reserved"
	}, false)
)

func (a action) showCode() tea.Cmd {
	st, actor, ref := a.c.Store, a.c.Actor, a.key.Ref()
	return func() tea.Msg { return codeResult(st.ShowCode(actor, ref)) }
}

func (a action) reissue() tea.Cmd {
	return a.confirmNewCode("Issue a new code for key "+a.key.Serial()+"?", "reissue", a.c.Store.ReissueCode, reissued,
		"The current code stops working; the new one is shown next.")
}

func (a action) suspend() tea.Cmd {
	st, actor, ref := a.c.Store, a.c.Actor, a.key.Ref()
	f := dialog.NewForm(a.c.Styles, "Suspend key "+a.key.Serial()+"?", "suspend", func(v dialog.Values) tea.Cmd {
		note := v["note"]
		return func() tea.Msg { return suspended(st.SuspendKey(actor, ref, note)) }
	}).WithBody(a.holder(), "The key stops working until the employee enters the new activation code, shown next.").
		WithInput(noteInput())
	return open(f)
}

func (a action) unlock() tea.Cmd {
	return a.confirmNewCode("Unlock key "+a.key.Serial()+"?", "unlock", a.c.Store.UnlockKey, unlocked,
		"It becomes Suspended with a new activation code, shown next.")
}

func (a action) remove() tea.Cmd {
	st, actor, ref, serial := a.c.Store, a.c.Actor, a.key.Ref(), a.key.Serial()
	body := []string{a.holder(), "The key is taken back from the employee: withdrawn, or broken."}
	if a.key.Status() == model.Reserved {
		body = append(body, "It was never activated: withdrawn, it goes straight back to Ready.")
	} else {
		body = append(body, "It becomes Deactivated and must be wiped before reuse.")
	}
	f := dialog.NewForm(a.c.Styles, "Remove key "+serial+"?", "remove", func(v dialog.Values) tea.Cmd {
		reason, _ := model.ParseRemoveReason(v["reason"])
		note := v["note"]
		return func() tea.Msg {
			k, err := st.RemoveKey(actor, ref, reason, note)
			if err != nil {
				return common.ErrMsg{Err: err}
			}
			return common.InfoMsg{Text: fmt.Sprintf("✓ key %s removed: it is now %s", model.Printable(k.Serial), model.StatusWords(k.Status, k.Reason))}
		}
	}).WithBody(body...).
		WithChoice(&dialog.Choice{Key: "reason", Label: "Reason", Options: []string{"withdrawal", "broken"}}).
		WithInput(noteInput())
	return open(f)
}

func (a action) compromise() tea.Cmd {
	st, actor, ref, serial := a.c.Store, a.c.Actor, a.key.Ref(), a.key.Serial()
	f := dialog.NewForm(a.c.Styles, "Mark key "+serial+" compromised?", "mark compromised", func(v dialog.Values) tea.Cmd {
		reason, _ := model.ParseCompromiseReason(v["reason"])
		note, confirm := v["note"], v["confirm"]
		return func() tea.Msg {
			k, err := st.CompromiseKey(actor, ref, reason, confirm, note)
			if err != nil {
				return common.ErrMsg{Err: err}
			}
			return common.InfoMsg{Text: fmt.Sprintf("✓ key %s is now %s", model.Printable(k.Serial), model.StatusWords(k.Status, k.Reason))}
		}
	}).WithDanger().
		WithBody(a.holder(), "Lost or stolen. This is final: the key can never be used again.").
		WithChoice(&dialog.Choice{Key: "reason", Label: "Reason", Options: []string{"lost", "stolen"}}).
		WithInput(noteInput()).
		WithInput(&dialog.Input{Key: "confirm", Label: "Serial", Placeholder: "type " + serial + " to confirm",
			Validate: func(s string) error {
				if !strings.EqualFold(strings.TrimSpace(s), serial) {
					return fmt.Errorf("type the serial %s to confirm", serial)
				}
				return nil
			}})
	return open(f)
}

func (a action) wiped() tea.Cmd {
	st, actor, ref := a.c.Store, a.c.Actor, a.key.Ref()
	return a.confirm("Mark key "+a.key.Serial()+" wiped?", "mark wiped", func() tea.Msg {
		k, err := st.KeyWiped(actor, ref)
		if err != nil {
			return common.ErrMsg{Err: err}
		}
		return common.InfoMsg{Text: fmt.Sprintf("✓ key %s wiped: back in stock as %s", model.Printable(k.Serial), k.Status)}
	}, "The key was returned and wiped: it goes back to the stock as Ready.")
}

// confirmNewCode asks before a change that issues a new code (issue is
// the store's call), then shows the code with the line done writes.
func (a action) confirmNewCode(title, verb string, issue func(model.Actor, store.KeyRef) (store.CodeView, error),
	done func(store.CodeView, error) tea.Msg, body string) tea.Cmd {
	actor, ref := a.c.Actor, a.key.Ref()
	return a.confirm(title, verb, func() tea.Msg { return done(issue(actor, ref)) }, a.holder(), body)
}

// confirm asks before a change that needs nothing typed: verb is the
// button, body what the change does; yes the store call it runs then.
func (a action) confirm(title, verb string, yes tea.Cmd, body ...string) tea.Cmd {
	return open(dialog.NewForm(a.c.Styles, title, verb, func(dialog.Values) tea.Cmd { return yes }).WithBody(body...))
}

// noteInput is the optional note a change of status keeps in the audit
// trail.
func noteInput() *dialog.Input {
	return &dialog.Input{Key: "note", Label: "Note", Placeholder: "optional", Validate: checkNote}
}

func checkNote(s string) error {
	_, err := model.NormalizeNote(s)
	return err
}
