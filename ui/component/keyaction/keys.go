// Package keyaction is what an admin can do to one key, wherever the key
// is on screen (the keys list, a key's page, an employee's page): the
// key bindings, which of them the key's status allows, the dialogs that
// ask for a confirmation, and the store calls.
package keyaction

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/component/common"
)

// KeyMap is the bindings of the actions on a key, for one session: it
// offers only what its role allows.
type KeyMap struct {
	access *common.Access

	Assign     key.Binding
	Code       key.Binding
	Reissue    key.Binding
	Suspend    key.Binding
	Unlock     key.Binding
	Remove     key.Binding
	Compromise key.Binding
	ReportLost key.Binding
	Wiped      key.Binding
	Profile    key.Binding
}

// DefaultKeyMap is the bindings the README lists, offered as access's
// role allows.
func DefaultKeyMap(access *common.Access) *KeyMap {
	return &KeyMap{
		access:     access,
		Assign:     key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "assign")),
		Code:       key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "show code")),
		Reissue:    key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reissue code")),
		Suspend:    key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "suspend")),
		Unlock:     key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "unlock")),
		Remove:     key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "remove")),
		Compromise: key.NewBinding(key.WithKeys("X"), key.WithHelp("X", "compromised")),
		ReportLost: key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "report lost")),
		Wiped:      key.NewBinding(key.WithKeys("W"), key.WithHelp("W", "wiped")),
		Profile:    key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "profile")),
	}
}

// bound is an action key with what it starts.
type bound struct {
	key.Binding
	start func(action) tea.Cmd
}

// forEvent is the binding of an admin event and the action it starts.
func (k *KeyMap) forEvent(ev model.EventKind) (bound, bool) {
	for _, e := range [...]struct {
		ev model.EventKind
		bound
	}{
		{model.EventAssign, bound{k.Assign, action.pickEmployee}},
		{model.EventReissue, bound{k.Reissue, action.reissue}},
		{model.EventSuspend, bound{k.Suspend, action.suspend}},
		{model.EventUnlock, bound{k.Unlock, action.unlock}},
		{model.EventRemove, bound{k.Remove, action.remove}},
		{model.EventCompromise, bound{k.Compromise, action.compromise}},
		{model.EventReportLost, bound{k.ReportLost, action.reportLost}},
		{model.EventWiped, bound{k.Wiped, action.wiped}},
	} {
		if e.ev == ev {
			return e.bound, true
		}
	}
	return bound{}, false
}

// allowed lists the actions that work on a key in status s for the
// session's role, in the order of model.RoleActions, with "show code"
// first where a code exists and the role may see it, and the profile
// change last where the model allows one and the role may. It asks the
// model: a screen never decides what a status or a role allows.
func (k *KeyMap) allowed(s model.Status, r model.Reason) []bound {
	var out []bound
	lost := model.IsReportedLost(s, r)
	if s.HasCode() && !lost && k.access.May(model.OpKeyCode) {
		out = append(out, bound{k.Code, action.showCode})
	}
	for _, ev := range model.KeyActions(s, r) {
		if !k.access.May(model.EventOperation(ev)) {
			continue
		}
		if b, ok := k.forEvent(ev); ok {
			out = append(out, b)
		}
	}
	if model.ProfileChangeAllowed(s) && k.access.May(model.OpKeyProfile) {
		out = append(out, bound{k.Profile, action.pickProfile})
	}
	return out
}

// All lists every action the role allows in some status, for the full
// help: what a helpdesk person may never do is not in their `?`.
func (k *KeyMap) All() []key.Binding {
	var out []key.Binding
	for _, ev := range model.AdminEvents {
		b, ok := k.forEvent(ev)
		if ok && k.access.May(model.EventOperation(ev)) {
			out = append(out, b.Binding)
		}
		if ev == model.EventAssign && k.access.May(model.OpKeyCode) {
			out = append(out, k.Code)
		}
	}
	if k.access.May(model.OpKeyProfile) {
		out = append(out, k.Profile)
	}
	return out
}

// Columns is All for the full help: in two columns when it is long, so
// that the help stays short enough for 80x24 with its notes; none when
// the role may do nothing to a key.
func (k *KeyMap) Columns() [][]key.Binding {
	all := k.All()
	switch {
	case len(all) == 0:
		return nil
	case len(all) <= 6:
		return [][]key.Binding{all}
	}
	half := (len(all) + 1) / 2
	return [][]key.Binding{all[:half], all[half:]}
}
