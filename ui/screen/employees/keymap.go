package employees

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/component/common"
)

// keyMap is what the Employees screen adds to the list keys and the key
// actions.
type keyMap struct {
	New     common.Guarded
	Edit    common.Guarded
	Delete  common.Guarded
	Import  common.Guarded
	Filter  key.Binding
	OpenKey key.Binding
}

func defaultKeyMap() *keyMap {
	return &keyMap{
		New:     common.Guard(key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "new")), model.OpEmployeeAdd),
		Edit:    common.Guard(key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit")), model.OpEmployeeEdit),
		Delete:  common.Guard(key.NewBinding(key.WithKeys("D"), key.WithHelp("D", "delete")), model.OpEmployeeDelete),
		Import:  common.Guard(key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "import")), model.OpImportEmployees),
		Filter:  key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "filter")),
		OpenKey: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open the key")),
	}
}
