package common

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/keydesk/keydesk/ui/component/styles"
)

// ScreenForm is a huh form that fills a screen and saves what it holds
// (an employee's profile, the mail settings): keydesk's colours, esc
// cancels, and no help of its own, since the footer lists the keys. A
// fresh one is built for every opening and after every refusal, as huh's
// examples do.
type ScreenForm struct {
	form    *huh.Form
	st      *styles.Styles
	save    func() tea.Cmd
	saving  bool
	width   int
	problem string // the store's refusal of the last save, shown above
}

// NewScreenForm builds the form of group for a width x height screen;
// save is the command that saves it once completed.
func NewScreenForm(st *styles.Styles, group *huh.Group, width, height int, save func() tea.Cmd) *ScreenForm {
	keys := huh.NewDefaultKeyMap()
	keys.Quit = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
	form := huh.NewForm(group).
		WithTheme(FormTheme(st)).
		WithKeyMap(keys).
		WithShowHelp(false)
	f := &ScreenForm{form: form, st: st, save: save}
	f.SetSize(width, height)
	return f
}

// FieldTitle pads a field's title so that the inline fields line up.
func FieldTitle(t string) string { return fmt.Sprintf("%-12s", t) }

// Init starts the form.
func (f *ScreenForm) Init() tea.Cmd { return f.form.Init() }

// NextField moves the focus to the next field.
func (f *ScreenForm) NextField() tea.Cmd { return f.form.NextField() }

// SetSize fits the form to the screen; a short screen scrolls to the
// field being typed in. The height leaves room below the fields for the
// line huh adds, with a blank line, when a field holds a problem.
func (f *ScreenForm) SetSize(width, height int) {
	f.width = width
	f.form = f.form.WithWidth(min(width, 80)).WithHeight(max(height-2, 4))
}

// SetProblem shows the store's refusal of the last save above the form,
// until the next key.
func (f *ScreenForm) SetProblem(problem string) { f.problem = problem }

// Update forwards every message to the form. When the form is completed
// it returns the command that saves, and shows "saving…" until the
// screen closes it or builds a new one; closed reports a cancel. A key
// clears the problem shown above.
func (f *ScreenForm) Update(msg tea.Msg) (closed bool, cmd tea.Cmd) {
	k, isKey := msg.(tea.KeyMsg)
	if isKey {
		f.problem = ""
	}
	if f.saving {
		return false, nil
	}
	moved := false
	if isKey {
		moved, cmd = f.moveNow(k)
	}
	if !moved {
		_, cmd = f.form.Update(msg)
	}
	switch f.form.State {
	case huh.StateAborted:
		return true, nil
	case huh.StateCompleted:
		f.saving = true
		return false, f.save()
	}
	return false, cmd
}

var (
	nextFieldKeys = key.NewBinding(key.WithKeys("enter", "tab"))
	prevFieldKeys = key.NewBinding(key.WithKeys("shift+tab"))
)

// moveNow moves between fields at once rather than through huh's own
// next-field command: that command comes back after the keys already
// queued, so keys typed ahead (one read over a slow SSH link, a script)
// would land in the field being left. A field whose value does not pass
// its check keeps the key, and huh shows the problem. (The wizard's
// profile page does the same, see wizard/profile.go.)
func (f *ScreenForm) moveNow(k tea.KeyMsg) (bool, tea.Cmd) {
	switch {
	case key.Matches(k, prevFieldKeys):
		return true, f.form.PrevField()
	case !key.Matches(k, nextFieldKeys):
		return false, nil
	}
	field := f.form.GetFocusedField()
	field.Blur() // an input checks its value when it loses the focus
	if field.Error() != nil {
		return false, field.Focus() // huh gets the key and shows why
	}
	cmd := f.form.NextField()
	if f.form.GetFocusedField() == field { // the last one: submit now too
		cmd = tea.Batch(cmd, f.form.NextGroup())
	}
	return true, cmd
}

// View draws the form, under the store's refusal of the last save if
// there is one, on up to two lines, so that it is read to its end; the
// form then loses its last lines on a full screen.
func (f *ScreenForm) View() string {
	form := f.st.Subtle.Render("saving…")
	if !f.saving {
		form = f.form.View()
	}
	if f.problem == "" {
		return form
	}
	var lines []string
	for _, line := range Wrap("✗ "+f.problem, f.width, 2) {
		lines = append(lines, f.st.Error.Render(line))
	}
	return strings.Join(append(lines, form), "\n")
}

// UpdateForm forwards msg to the open form *f, and drops the form (nil)
// when the admin cancels it.
func UpdateForm[F interface{ Update(tea.Msg) (bool, tea.Cmd) }](f *F, msg tea.Msg) tea.Cmd {
	closed, cmd := (*f).Update(msg)
	if closed {
		var none F
		*f = none
	}
	return cmd
}

// Help lists the keys of a screen's form; choose says what ←/→ do on
// its choices ("yes/no", "choose").
func (f *ScreenForm) Help(choose string) []key.Binding {
	return []key.Binding{
		key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "next, save on the last")),
		key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous")),
		key.NewBinding(key.WithKeys("left", "right"), key.WithHelp("←/→", choose)),
		key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}
