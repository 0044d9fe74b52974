package ui

import "github.com/charmbracelet/bubbles/key"

// globalKeys work on every screen, except while something takes every
// key (a search line, a dialog, a form, the wizard).
type globalKeys struct {
	Call      key.Binding
	Employees key.Binding
	Keys      key.Binding
	Audit     key.Binding
	Settings  key.Binding
	Profiles  key.Binding
	Directory key.Binding // the directory sync's preview (directorydialog.go)
	Next      key.Binding
	Prev      key.Binding
	Help      key.Binding
	Quit      key.Binding
	ForceQuit key.Binding
}

func defaultGlobalKeys() *globalKeys {
	return &globalKeys{
		Call:      key.NewBinding(key.WithKeys("0"), key.WithHelp("0", "call")),
		Employees: key.NewBinding(key.WithKeys("1"), key.WithHelp("1", "employees")),
		Keys:      key.NewBinding(key.WithKeys("2"), key.WithHelp("2", "keys")),
		Audit:     key.NewBinding(key.WithKeys("3"), key.WithHelp("3", "audit")),
		Settings:  key.NewBinding(key.WithKeys("4"), key.WithHelp("4", "settings")),
		Profiles:  key.NewBinding(key.WithKeys("5"), key.WithHelp("5", "profiles")),
		Directory: key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "directory sync")),
		Next:      key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next screen")),
		Prev:      key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous screen")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
	}
}

// tab is the key that goes to a screen.
func (k *globalKeys) tab(tab int) key.Binding {
	return [...]key.Binding{tabEmployees: k.Employees, tabKeys: k.Keys, tabAudit: k.Audit, tabSettings: k.Settings, tabCall: k.Call, tabProfiles: k.Profiles}[tab]
}

// all are the keys that work everywhere, with those of the screens in
// tabs.
func (k *globalKeys) all(tabs []int) []key.Binding {
	var out []key.Binding
	for _, tab := range tabs {
		out = append(out, k.tab(tab))
	}
	return append(out, k.Next, k.Prev, k.Help, k.Quit, k.ForceQuit)
}
