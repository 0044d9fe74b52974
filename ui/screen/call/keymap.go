package call

import "github.com/charmbracelet/bubbles/key"

// keyMap is what the call screen adds to the list keys and the key
// actions.
type keyMap struct {
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
		OpenCaller:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open the caller")),
		Choose:       key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "choose")),
		Clear:        key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear")),
		NewSearch:    key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "new search")),
		BackToSearch: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back to the search")),
		Copy:         key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy the code")),
		Mail:         key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "e-mail the code")),
	}
}
