// Package searchbar is the `/` search line of the lists: while it is
// open it takes every key; enter keeps the search, esc clears it.
package searchbar

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/keydesk/keydesk/ui/component/data"
	"github.com/keydesk/keydesk/ui/component/dialog"
	"github.com/keydesk/keydesk/ui/component/styles"
	"github.com/keydesk/keydesk/ui/component/table"
)

// Model is a search line.
type Model struct {
	input textinput.Model
	st    *styles.Styles
}

// New builds a closed search line.
func New(st *styles.Styles) Model {
	in := dialog.NewTextInput(st)
	in.CharLimit = 100
	return Model{input: in, st: st}
}

// Open starts typing.
func (m *Model) Open() tea.Cmd { return m.input.Focus() }

// Blur stops typing and keeps the search.
func (m *Model) Blur() { m.input.Blur() }

// Typing reports whether the search line takes the keys.
func (m *Model) Typing() bool { return m.input.Focused() }

// Query is the search, normalized for data.Search.
func (m *Model) Query() string { return data.NormalizeQuery(m.input.Value()) }

// Text is the search as typed, in lower case: for searches of text as
// shown (the audit trail's dates), which a phone number's reading would
// turn into digits.
func (m *Model) Text() string { return strings.ToLower(strings.TrimSpace(m.input.Value())) }

// Clear empties and closes the line; it reports whether there was a
// search to clear.
func (m *Model) Clear() bool {
	had := m.input.Value() != "" || m.input.Focused()
	m.input.SetValue("")
	m.input.Blur()
	return had
}

// Update takes a key while typing; changed reports a new query.
func (m *Model) Update(msg tea.Msg) (changed bool, cmd tea.Cmd) {
	before := m.input.Value()
	if k, ok := msg.(tea.KeyMsg); ok {
		switch k.String() {
		case "enter":
			m.input.Blur()
			return false, nil
		case "esc":
			m.Clear()
			return before != "", nil
		}
	}
	m.input, cmd = m.input.Update(msg)
	return m.input.Value() != before, cmd
}

// Scrolls reports the keys that move the list even while the line is
// open: the arrows and page keys, which cannot be typed.
func Scrolls(k tea.KeyMsg) bool {
	switch k.Type {
	case tea.KeyUp, tea.KeyDown, tea.KeyPgUp, tea.KeyPgDown:
		return true
	}
	return false
}

// Help is the footer's keys while the line is open.
func Help() []key.Binding {
	return []key.Binding{
		key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep search")),
		key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear")),
	}
}

// TitleLine is a list's title line, width columns: left, with the search
// line (when there is a search) at the right.
func (m *Model) TitleLine(left string, width int) string {
	right := m.View(max(width/3, 20))
	return table.Fit(table.Fit(left, max(width-lipgloss.Width(right)-1, 0))+" "+right, width)
}

// View draws the line in width columns; empty when there is no search.
func (m *Model) View(width int) string {
	if !m.input.Focused() && m.input.Value() == "" {
		return ""
	}
	m.input.Width = max(width-3, 1)
	if !m.input.Focused() {
		return m.st.Subtle.Render("/ ") + m.st.Text.Render(m.input.Value())
	}
	return m.st.Title.Render("/ ") + m.input.View()
}
