package dialog

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/ui/component/styles"
)

// field is one line of a form: a choice among words, or a text input.
type field interface {
	key() string
	value() string
	update(msg tea.Msg) tea.Cmd
	focus() tea.Cmd
	blur()
	validate() error
	view(st *styles.Styles, focused bool, labelWidth, width int) string
}

// Choice picks one word among a few (a reason). ←/→ change it.
type Choice struct {
	Key, Label string
	Options    []string
	Selected   int
}

func (c *Choice) key() string     { return c.Key }
func (c *Choice) value() string   { return c.Options[c.Selected] }
func (c *Choice) focus() tea.Cmd  { return nil }
func (c *Choice) blur()           {}
func (c *Choice) validate() error { return nil }

func (c *Choice) update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyMsg); ok {
		switch k.String() {
		case "left", "h":
			c.Selected = (c.Selected + len(c.Options) - 1) % len(c.Options)
		case "right", "l", " ":
			c.Selected = (c.Selected + 1) % len(c.Options)
		}
	}
	return nil
}

func (c *Choice) view(st *styles.Styles, focused bool, labelWidth, _ int) string {
	parts := make([]string, len(c.Options))
	for i, o := range c.Options {
		mark := "( ) "
		if i == c.Selected {
			mark = "(•) "
		}
		style := st.Subtle
		if i == c.Selected {
			style = st.Text
			if focused {
				style = st.Title
			}
		}
		parts[i] = style.Render(mark + o)
	}
	return label(st, c.Label, focused, labelWidth) + strings.Join(parts, "  ")
}

// Input is a line of text, checked by Validate when the form is submitted.
type Input struct {
	Key, Label, Placeholder string
	Validate                func(string) error
	// Required marks the label with * (as every form does) and refuses
	// an empty value under the field.
	Required bool
	// Value is the text the field starts with (what was typed before).
	Value string

	ti  textinput.Model
	err error
}

func (in *Input) init(st *styles.Styles) {
	in.ti = NewTextInput(st)
	in.ti.Placeholder = in.Placeholder
	in.ti.CharLimit = 500
	in.ti.SetValue(in.Value)
}

// NewTextInput is a text input in keydesk's styles with a steady cursor
// (a blinking one redraws the screen twice a second for nothing).
func NewTextInput(st *styles.Styles) textinput.Model {
	ti := textinput.New()
	ti.Prompt = ""
	ti.Cursor.SetMode(cursor.CursorStatic)
	ti.Cursor.Style = st.Title
	ti.TextStyle = st.Text
	ti.PlaceholderStyle = st.Subtle
	ti.PromptStyle = st.Subtle
	ti.CompletionStyle = st.Subtle
	return ti
}

func (in *Input) key() string    { return in.Key }
func (in *Input) value() string  { return strings.TrimSpace(in.ti.Value()) }
func (in *Input) focus() tea.Cmd { return in.ti.Focus() }
func (in *Input) blur()          { in.ti.Blur() }

func (in *Input) validate() error {
	in.err = nil
	if in.Required && in.value() == "" {
		in.err = fmt.Errorf("%s is required", strings.ToLower(in.Label))
		return in.err
	}
	if in.Validate != nil {
		in.err = in.Validate(in.value())
	}
	return in.err
}

func (in *Input) update(msg tea.Msg) tea.Cmd {
	if _, ok := msg.(tea.KeyMsg); ok {
		in.err = nil
	}
	var cmd tea.Cmd
	in.ti, cmd = in.ti.Update(msg)
	return cmd
}

func (in *Input) view(st *styles.Styles, focused bool, labelWidth, width int) string {
	in.ti.Width = max(width-labelWidth-1, 4)
	text := in.Label
	if in.Required {
		text += " *"
	}
	line := label(st, text, focused, labelWidth) + in.ti.View()
	if in.err != nil {
		line += "\n" + strings.Repeat(" ", labelWidth) + st.Error.Render(in.err.Error())
	}
	return line
}

func label(st *styles.Styles, text string, focused bool, width int) string {
	style := st.Subtle
	mark := "  "
	if focused {
		style, mark = st.Title, "> "
	}
	return style.Render(padRight(mark+text, width))
}

func padRight(s string, width int) string {
	if n := width - len([]rune(s)); n > 0 {
		return s + strings.Repeat(" ", n)
	}
	return s
}
