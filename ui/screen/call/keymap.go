package call

import "github.com/charmbracelet/bubbles/key"

// keyMap is what the call screen adds to the list keys and the key
// actions.
type keyMap struct {
	TypeName     key.Binding // for the help: a letter starts the search
	OpenCaller   key.Binding
	Choose       key.Binding
	Clear        key.Binding
	NewSearch    key.Binding
	BackToSearch key.Binding
	Copy         key.Binding
	Mail         key.Binding // for the help; the prompt's own binding works
}

func defaultKeyMap() keyMap {
	return keyMap{
		TypeName:     key.NewBinding(key.WithKeys("a"), key.WithHelp("a-z", "type a name")),
		OpenCaller:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open the caller")),
		Choose:       key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "choose")),
		Clear:        key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear the search")),
		NewSearch:    key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search (phone, any text)")),
		BackToSearch: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back to the search")),
		Copy:         key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy the code")),
		Mail:         key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "e-mail the code")),
	}
}
