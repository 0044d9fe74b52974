package keyaction

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/keydesk/keydesk/model"
)

// Allowed lists the bindings that work on a key in status s with
// reason r.
func (k *KeyMap) Allowed(s model.Status, r model.Reason) []key.Binding {
	var out []key.Binding
	for _, b := range k.allowed(s, r) {
		out = append(out, b.Binding)
	}
	return out
}
