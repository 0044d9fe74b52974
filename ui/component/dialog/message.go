package dialog

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/component/styles"
)

// Message shows a text that may be long (every bad line of an import) in
// a box that scrolls.
type Message struct {
	Title string

	st     *styles.Styles
	lines  []string // as given
	shown  []string // wrapped to the box's width
	danger bool
	offset int
	width  int
	height int
	keys   struct{ Close, Up, Down, PageUp, PageDown key.Binding }
}

// NewMessage builds a message box; each line passes through
// model.Printable, since it may quote a file's content.
func NewMessage(st *styles.Styles, title string, lines []string, danger bool) *Message {
	m := &Message{Title: title, st: st, danger: danger}
	for _, l := range lines {
		m.lines = append(m.lines, model.Printable(l))
	}
	m.keys.Close = key.NewBinding(key.WithKeys("esc", "enter", "q"), key.WithHelp("esc", "close"))
	m.keys.Up = key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/↓", "scroll"))
	m.keys.Down = key.NewBinding(key.WithKeys("down", "j"))
	m.keys.PageUp = key.NewBinding(key.WithKeys("pgup"))
	m.keys.PageDown = key.NewBinding(key.WithKeys("pgdown"))
	return m
}

// SetSize fits the box in the space given.
func (m *Message) SetSize(width, height int) {
	if min(width, 100) == m.width && height == m.height && m.shown != nil {
		return // wrapping thousands of lines again on every key is slow
	}
	m.width, m.height = min(width, 100), height
	inner := m.inner()
	m.shown = m.shown[:0]
	for _, l := range m.lines {
		m.shown = append(m.shown, strings.Split(m.st.Text.Width(inner).Render(l), "\n")...)
	}
	m.scroll(0)
}

// Help lists the keys that work in the box.
func (m *Message) Help() []key.Binding {
	if len(m.shown) > m.visible() {
		return []key.Binding{m.keys.Close, m.keys.Up}
	}
	return []key.Binding{m.keys.Close}
}

func (m *Message) inner() int {
	return max(m.width-m.st.Dialog.GetHorizontalFrameSize(), 20)
}

func (m *Message) visible() int {
	return max(m.height-m.st.Dialog.GetVerticalFrameSize()-4, 1)
}

func (m *Message) scroll(by int) {
	m.offset = min(max(m.offset+by, 0), max(len(m.shown)-m.visible(), 0))
}

// Update handles keys; done is true when the box closes.
func (m *Message) Update(msg tea.Msg) (bool, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return false, nil
	}
	switch {
	case key.Matches(k, m.keys.Close):
		return true, nil
	case key.Matches(k, m.keys.Up):
		m.scroll(-1)
	case key.Matches(k, m.keys.Down):
		m.scroll(1)
	case key.Matches(k, m.keys.PageUp):
		m.scroll(-m.visible())
	case key.Matches(k, m.keys.PageDown):
		m.scroll(m.visible())
	}
	return false, nil
}

// View draws the box.
func (m *Message) View() string {
	box, title := m.st.Dialog, m.st.Title
	if m.danger {
		box = box.BorderForeground(m.st.Error.GetForeground())
		title = m.st.Error
	}
	inner := m.inner()
	end := min(m.offset+m.visible(), len(m.shown))
	out := []string{title.Render(m.Title), "", strings.Join(m.shown[m.offset:end], "\n")}
	if len(m.shown) > m.visible() {
		out = append(out, m.st.Subtle.Render(fmt.Sprintf("lines %d-%d of %d", m.offset+1, end, len(m.shown))))
	}
	out = append(out, "", helpLine(m.st, m.Help()))
	return box.Width(inner + box.GetHorizontalPadding()).Render(strings.Join(out, "\n"))
}
