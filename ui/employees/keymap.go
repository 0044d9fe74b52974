package employees

import "github.com/charmbracelet/bubbles/key"

// keyMap is what the Employees screen adds to the list keys and the key
// actions.
type keyMap struct {
	New     key.Binding
	Edit    key.Binding
	Delete  key.Binding
	OpenKey key.Binding
}

func defaultKeyMap() *keyMap {
	return &keyMap{
		New:     key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "new")),
		Edit:    key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit")),
		Delete:  key.NewBinding(key.WithKeys("D"), key.WithHelp("D", "delete")),
		OpenKey: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open the key")),
	}
}
