package dialog

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/keypicker"
	"github.com/keydesk/keydesk/ui/component/styles"
)

// KeyPicker is the key picker (keypicker, the wizard's Key page) in a
// dialog box: a screen gives someone a key with it.
type KeyPicker struct {
	Title  string
	st     *styles.Styles
	list   keypicker.Model
	onPick func(k keypicker.Key) tea.Cmd
	nav    *common.ListKeys
	pick   key.Binding
	cancel key.Binding
	width  int
}

// NewKeyPicker offers keys; onPick runs with the chosen one.
func NewKeyPicker(st *styles.Styles, title string, keys []keypicker.Key, onPick func(k keypicker.Key) tea.Cmd) *KeyPicker {
	p := &KeyPicker{Title: title, st: st, list: keypicker.New(st, ""), onPick: onPick,
		nav:    typingNav(),
		pick:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose")),
		cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
	p.list.StillCursor() // as every dialog's input
	p.list.SetRows(keys, "")
	return p
}

// Init focuses the search line.
func (p *KeyPicker) Init() tea.Cmd { return p.list.Focus() }

// SetSize fits the box in the space given.
func (p *KeyPicker) SetSize(width, height int) {
	p.width = min(width, 100)
	// Title, blank, help; and the frame.
	p.list.SetSize(p.width-p.st.Dialog.GetHorizontalFrameSize(), max(height-p.st.Dialog.GetVerticalFrameSize()-3, 5))
}

// Help lists the keys that work in the picker.
func (p *KeyPicker) Help() []key.Binding {
	return []key.Binding{p.pick, key.NewBinding(key.WithKeys("up"), key.WithHelp("↑/↓", "move")), p.cancel}
}

// Update handles keys; done is true when the picker closes.
func (p *KeyPicker) Update(msg tea.Msg) (bool, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	switch {
	case !ok:
		return false, p.list.UpdateSearch(msg)
	case key.Matches(k, p.cancel):
		return true, nil
	case key.Matches(k, p.pick):
		chosen := p.list.Selected()
		if chosen == nil {
			return false, nil
		}
		return true, p.onPick(*chosen)
	case p.list.Navigate(k, p.nav):
		return false, nil
	}
	return false, p.list.UpdateSearch(msg)
}

// View draws the box.
func (p *KeyPicker) View() string {
	lines := []string{p.st.Title.Render(p.Title), p.list.View(), "", helpLine(p.st, p.Help())}
	frame := p.st.Dialog.GetHorizontalFrameSize()
	return p.st.Dialog.Width(p.width - frame + p.st.Dialog.GetHorizontalPadding()).Render(joinLines(lines))
}
