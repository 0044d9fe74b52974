package wizard

import "github.com/charmbracelet/bubbles/key"

// keyMap is every key the wizard answers to. The same bindings drive
// Update and the help line, so the help never lists a key that does
// nothing.
type keyMap struct {
	// Person page (the huh form moves between fields itself; these are for
	// the help line and for leaving).
	NextField     key.Binding
	PrevField     key.Binding
	ContinueField key.Binding
	Cancel        key.Binding

	// Key.
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	First    key.Binding
	Last     key.Binding
	Choose   key.Binding

	// Pages after the first.
	Back key.Binding

	// Review.
	Create key.Binding

	// Result.
	Copy   key.Binding // `m`, to e-mail the code, is mailprompt's
	Finish key.Binding

	// Leave confirmation.
	Discard key.Binding
	Keep    key.Binding

	Quit key.Binding
}

func newKeyMap() keyMap {
	return keyMap{
		NextField:     key.NewBinding(key.WithKeys("enter", "tab"), key.WithHelp("enter", "next field")),
		PrevField:     key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous field")),
		ContinueField: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "continue to Key")),
		Cancel:        key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),

		Up:       key.NewBinding(key.WithKeys("up", "ctrl+p"), key.WithHelp("↑/↓", "move")),
		Down:     key.NewBinding(key.WithKeys("down", "ctrl+n")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup/pgdn", "page")),
		PageDown: key.NewBinding(key.WithKeys("pgdown")),
		First:    key.NewBinding(key.WithKeys("home"), key.WithHelp("home/end", "first/last")),
		Last:     key.NewBinding(key.WithKeys("end")),
		Choose:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose")),

		Back: key.NewBinding(key.WithKeys("esc", "shift+tab"), key.WithHelp("esc", "back")),

		Create: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "create")),

		Copy:   key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy the code")),
		Finish: key.NewBinding(key.WithKeys("enter", "esc"), key.WithHelp("enter", "done")),

		Discard: key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "discard")),
		Keep:    key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n", "keep editing")),

		Quit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
	}
}
