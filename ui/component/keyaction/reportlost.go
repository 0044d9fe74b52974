package keyaction

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/dialog"
)

// reportLost is "I lost my key": the key stops working at once, no code
// is shown to anyone, the caller's words are kept, and an admin finds it
// among what waits for them.
func (a action) reportLost() tea.Cmd {
	st, actor, ref, serial := a.c.Store, a.c.Actor, a.key.Ref(), a.key.Serial()
	f := dialog.NewForm(a.c.Styles, "Report key "+serial+" lost?", "report lost", func(v dialog.Values) tea.Cmd {
		said := v["note"]
		return func() tea.Msg {
			k, err := st.ReportLost(actor, ref, said)
			if err != nil {
				return common.ErrMsg{Err: err}
			}
			return common.InfoMsg{Text: fmt.Sprintf("✓ key %s is now Suspended, reported lost: no code was shown; it waits for an admin to mark it compromised", model.Printable(k.Serial))}
		}
	}).WithBody(a.holder(), "The key stops working now. No code is shown: whoever finds it cannot bring it back. An admin then marks it compromised.").
		WithInput(&dialog.Input{Key: "note", Label: "Caller said", Placeholder: "e.g. left it on the 8:15 train, Monday", Required: true, Validate: checkCallerWords})
	return open(f)
}

func checkCallerWords(s string) error {
	note, err := model.NormalizeNote(s)
	if err != nil {
		return err
	}
	if note == "" {
		return fmt.Errorf("say what the caller said (where, when)")
	}
	return nil
}

// whyNot says why an action key does nothing here: the role, or the
// key's status (the model's own refusal). Empty when msg is no action
// key, or there is no key.
func (k *KeyMap) whyNot(c *common.Common, t Target, msg tea.KeyMsg) string {
	if t.Key == nil {
		return ""
	}
	for _, ev := range model.AdminEvents {
		b, ok := k.forEvent(ev)
		if !ok || !key.Matches(msg, b.Binding) {
			continue
		}
		if err := model.Permit(c.Access.Actor(), model.EventOperation(ev)); err != nil {
			why := err.Error()
			if ev == model.EventCompromise && c.Access.May(model.OpKeyReportLost) {
				why += ": report it lost instead (L)"
			}
			return why
		}
		probe := model.Key{Serial: t.Key.Serial(), Status: t.Key.Status(), Reason: t.Key.Reason()}
		if _, err := model.Transition(probe, model.Event{Kind: ev}); err != nil && !model.AllowsKey(probe.Status, probe.Reason, ev) {
			return err.Error()
		}
	}
	if key.Matches(msg, k.Code) && c.Access.May(model.OpKeyCode) {
		if model.IsReportedLost(t.Key.Status(), t.Key.Reason()) {
			return fmt.Sprintf("key %s was reported lost: its code is never shown", t.Key.Serial())
		}
		return fmt.Sprintf("key %s is %s: it has no activation code", t.Key.Serial(), t.Key.Status())
	}
	return ""
}
