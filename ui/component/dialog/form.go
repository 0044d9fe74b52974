// Package dialog has the modal boxes of the terminal UI: a form that asks
// for a confirmation (with a reason, a note, a typed serial when the
// action needs them), a searchable picker, and a scrollable message.
package dialog

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/ui/component/styles"
)

// Values are what a form's fields hold when it is submitted, by field key.
type Values map[string]string

// Form is a confirmation with optional fields. With no fields, `y` works
// like enter and `n` like esc.
type Form struct {
	Title  string
	Body   []string // lines of text above the fields; already safe to print
	Submit string   // the verb on the confirm key: "remove", "suspend"
	Danger bool     // drawn in the error colour: the action cannot be undone

	st       *styles.Styles
	fields   []field
	focused  int
	onSubmit func(Values) tea.Cmd
	width    int
	keys     formKeys
}

type formKeys struct {
	Submit, Cancel, Next, Prev, Yes, No key.Binding
}

// NewForm builds a form; onSubmit runs when the admin confirms.
func NewForm(st *styles.Styles, title, submit string, onSubmit func(Values) tea.Cmd) *Form {
	f := &Form{Title: title, Submit: submit, st: st, onSubmit: onSubmit}
	f.keys = formKeys{
		Submit: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", submit)),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		Next:   key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab", "next field")),
		Prev:   key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "previous field")),
		Yes:    key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", submit)),
		No:     key.NewBinding(key.WithKeys("n", "N"), key.WithHelp("n", "cancel")),
	}
	return f
}

// WithBody sets the lines of text shown above the fields.
func (f *Form) WithBody(lines ...string) *Form { f.Body = lines; return f }

// WithDanger marks an action that cannot be undone.
func (f *Form) WithDanger() *Form { f.Danger = true; return f }

// WithChoice adds a choice field.
func (f *Form) WithChoice(c *Choice) *Form { f.fields = append(f.fields, c); return f }

// WithInput adds a text field.
func (f *Form) WithInput(in *Input) *Form {
	in.init(f.st)
	f.fields = append(f.fields, in)
	return f
}

// Init focuses the first field.
func (f *Form) Init() tea.Cmd {
	if len(f.fields) == 0 {
		return nil
	}
	return f.fields[0].focus()
}

// SetSize fits the box in the space given.
func (f *Form) SetSize(width, _ int) { f.width = min(width, 72) }

// Help lists the keys that work in the form.
func (f *Form) Help() []key.Binding {
	if len(f.fields) == 0 {
		return []key.Binding{f.keys.Yes, f.keys.No}
	}
	if len(f.fields) == 1 {
		return []key.Binding{f.keys.Submit, f.keys.Cancel}
	}
	return []key.Binding{f.keys.Submit, f.keys.Next, f.keys.Cancel}
}

// Update handles keys; done is true when the form closes.
func (f *Form) Update(msg tea.Msg) (bool, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		if len(f.fields) > 0 {
			return false, f.fields[f.focused].update(msg)
		}
		return false, nil
	}
	switch {
	case key.Matches(k, f.keys.Cancel), len(f.fields) == 0 && key.Matches(k, f.keys.No):
		return true, nil
	case key.Matches(k, f.keys.Submit), len(f.fields) == 0 && key.Matches(k, f.keys.Yes):
		return f.submit()
	case len(f.fields) > 1 && key.Matches(k, f.keys.Next):
		return false, f.move(1)
	case len(f.fields) > 1 && key.Matches(k, f.keys.Prev):
		return false, f.move(-1)
	}
	if len(f.fields) > 0 {
		return false, f.fields[f.focused].update(msg)
	}
	return false, nil
}

func (f *Form) move(by int) tea.Cmd {
	f.fields[f.focused].blur()
	f.focused = (f.focused + by + len(f.fields)) % len(f.fields)
	return f.fields[f.focused].focus()
}

func (f *Form) submit() (bool, tea.Cmd) {
	values := Values{}
	for i, fl := range f.fields {
		if err := fl.validate(); err != nil {
			f.fields[f.focused].blur()
			f.focused = i
			return false, fl.focus()
		}
		values[fl.key()] = fl.value()
	}
	return true, f.onSubmit(values)
}

// View draws the box.
func (f *Form) View() string {
	box := f.st.Dialog
	title := f.st.Title
	if f.Danger {
		box = box.BorderForeground(f.st.Error.GetForeground())
		title = f.st.Error
	}
	inner := max(f.width-box.GetHorizontalFrameSize(), 20)
	lines := []string{title.Render(f.Title)}
	if len(f.Body) > 0 {
		lines = append(lines, "")
		for _, l := range f.Body {
			lines = append(lines, f.st.Text.Width(inner).Render(l))
		}
	}
	if len(f.fields) > 0 {
		lines = append(lines, "")
		labelWidth := 0
		for _, fl := range f.fields {
			labelWidth = max(labelWidth, len([]rune(fieldLabel(fl)))+4)
		}
		for i, fl := range f.fields {
			lines = append(lines, fl.view(f.st, i == f.focused, labelWidth, inner))
		}
	}
	lines = append(lines, "", helpLine(f.st, f.Help()))
	return box.Width(inner + box.GetHorizontalPadding()).Render(strings.Join(lines, "\n"))
}

func fieldLabel(fl field) string {
	switch fl := fl.(type) {
	case *Choice:
		return fl.Label
	case *Input:
		if fl.Required {
			return fl.Label + " *"
		}
		return fl.Label
	}
	return ""
}

// helpLine is the keys of a dialog, drawn inside it.
func helpLine(st *styles.Styles, bindings []key.Binding) string {
	parts := make([]string, 0, len(bindings))
	for _, b := range bindings {
		h := b.Help()
		parts = append(parts, st.HelpKey.Render(h.Key)+" "+st.HelpDesc.Render(h.Desc))
	}
	return strings.Join(parts, st.Subtle.Render(" • "))
}
