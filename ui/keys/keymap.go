package keys

import "github.com/charmbracelet/bubbles/key"

// keyMap is what the Keys screen adds to the list keys and key actions.
type keyMap struct {
	Filter       key.Binding
	Import       key.Binding
	OpenEmployee key.Binding
}

func defaultKeyMap() *keyMap {
	return &keyMap{
		Filter:       key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "filter status")),
		Import:       key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "import")),
		OpenEmployee: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open the employee")),
	}
}
