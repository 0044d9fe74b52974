package common

import "github.com/charmbracelet/bubbles/key"

// ListKeys move through any list and open what is under the cursor. Every
// screen with a list uses the same ones, so they are learnt once.
type ListKeys struct {
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Top      key.Binding
	Bottom   key.Binding
	Search   key.Binding
	Open     key.Binding
	Back     key.Binding
	Sort     key.Binding
}

// DefaultListKeys are the bindings the README lists.
func DefaultListKeys() *ListKeys {
	return &ListKeys{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "first")),
		Bottom:   key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "last")),
		Search:   key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search")),
		Open:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		Back:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Sort:     key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "sort")),
	}
}

// Navigation is the group of moving keys, for full help.
func (k *ListKeys) Navigation() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}
}
