package keys

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/component/common"
)

// keyMap is what the Keys screen adds to the list keys and key actions.
type keyMap struct {
	Filter       key.Binding
	Waiting      key.Binding
	Import       common.Guarded
	OpenEmployee key.Binding
}

func defaultKeyMap() *keyMap {
	return &keyMap{
		Filter:       key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "filter")),
		Waiting:      key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "waiting: reported lost")),
		Import:       common.Guard(key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "import")), model.OpImportKeys),
		OpenEmployee: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open the employee")),
	}
}
