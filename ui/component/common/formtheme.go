package common

import (
	"reflect"

	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/lipgloss"
	"github.com/keydesk/keydesk/ui/component/styles"
)

// FormTheme is a huh theme in keydesk's colours, drawn by the session's
// renderer. huh builds its themes with lipgloss.NewStyle(), which draws
// for the process's own terminal; over SSH each admin needs their own.
func FormTheme(st *styles.Styles) *huh.Theme {
	t := huh.ThemeBase()
	accent := st.Title.GetForeground()

	t.Focused.Base = t.Focused.Base.BorderForeground(accent)
	t.Focused.Card = t.Focused.Base
	t.Focused.Title = st.Title
	t.Focused.NoteTitle = st.Title
	t.Focused.Description = st.Subtle
	t.Focused.ErrorIndicator = st.Error.SetString(" *")
	t.Focused.ErrorMessage = st.Error
	t.Focused.SelectSelector = st.Title.SetString("> ")
	t.Focused.Option = st.Text
	t.Focused.SelectedOption = st.Success
	t.Focused.UnselectedOption = st.Text
	// The chosen one is marked, not only coloured: with NO_COLOR a yes/no
	// field must still say which it holds.
	t.Focused.FocusedButton = st.Selected.Padding(0, 1).MarginRight(1).SetString("(•)")
	t.Focused.BlurredButton = st.Subtle.Padding(0, 1).MarginRight(1).SetString("( )")
	t.Focused.Next = st.Selected.Padding(0, 2).MarginRight(1)
	t.Focused.TextInput.Cursor = st.Title
	t.Focused.TextInput.Placeholder = st.Subtle
	t.Focused.TextInput.Prompt = st.Title
	t.Focused.TextInput.Text = st.Text

	t.Blurred = t.Focused
	t.Blurred.Base = t.Focused.Base.BorderStyle(lipgloss.HiddenBorder())
	t.Blurred.Card = t.Blurred.Base
	t.Blurred.Title = st.Subtle.Bold(true)
	t.Blurred.TextInput.Prompt = st.Subtle
	t.Blurred.NextIndicator = st.Subtle
	t.Blurred.PrevIndicator = st.Subtle

	t.Group.Title = st.Title
	t.Group.Description = st.Subtle
	t.Help.ShortKey, t.Help.FullKey = st.HelpKey, st.HelpKey
	t.Help.ShortDesc, t.Help.FullDesc = st.HelpDesc, st.HelpDesc
	t.Help.ShortSeparator, t.Help.FullSeparator = st.Subtle, st.Subtle
	t.Help.Ellipsis = st.Subtle

	rebind(reflect.ValueOf(t).Elem(), st.Renderer)
	return t
}

// rebind points every style in v (a struct, walked deeply) at renderer r.
func rebind(v reflect.Value, r *lipgloss.Renderer) {
	styleType := reflect.TypeOf(lipgloss.Style{})
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		switch {
		case f.Type() == styleType && f.CanSet():
			f.Set(reflect.ValueOf(f.Interface().(lipgloss.Style).Renderer(r)))
		case f.Kind() == reflect.Struct:
			rebind(f, r)
		}
	}
}
