package wizard

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/lipgloss"
	"github.com/keydesk/keydesk/ui/component/styles"
)

// formTheme dresses the huh form in keydesk's styles. Every style is made
// by the session's renderer, so over SSH each admin gets their own
// terminal's colours.
func formTheme(st *styles.Styles) *huh.Theme {
	n := st.Renderer.NewStyle
	accent := st.Title.GetForeground()

	// The field label sits inline, at the width of st.Label, so the values
	// line up in one column.
	focused := huh.FieldStyles{
		Base:         n().PaddingLeft(1).BorderStyle(lipgloss.ThickBorder()).BorderLeft(true).BorderForeground(accent),
		Title:        st.Label.Foreground(accent).Bold(true),
		Description:  st.Subtle,
		ErrorMessage: st.Error,
		TextInput: huh.TextInputStyles{
			Cursor:      st.Text,
			CursorText:  st.Text,
			Placeholder: st.Subtle,
			Prompt:      st.Title,
			Text:        st.Text,
		},
	}
	focused.ErrorIndicator = st.Error
	focused.Card = focused.Base

	blurred := focused
	blurred.Base = focused.Base.BorderStyle(lipgloss.HiddenBorder())
	blurred.Card = blurred.Base
	blurred.Title = st.Label
	blurred.TextInput.Prompt = st.Subtle

	return &huh.Theme{
		Form:           huh.FormStyles{Base: n()},
		Group:          huh.GroupStyles{Base: n(), Title: st.Title, Description: st.Subtle},
		FieldSeparator: n().SetString("\n"),
		Focused:        focused,
		Blurred:        blurred,
		Help:           helpStyles(st),
	}
}

// newHelp is a help line in keydesk's styles (help.New would use the
// process-wide renderer instead of the session's).
func newHelp(st *styles.Styles) help.Model {
	return help.Model{ShortSeparator: " • ", FullSeparator: "    ", Ellipsis: "…", Styles: helpStyles(st)}
}

func helpStyles(st *styles.Styles) help.Styles {
	return help.Styles{
		Ellipsis:       st.Subtle,
		ShortKey:       st.HelpKey,
		ShortDesc:      st.HelpDesc,
		ShortSeparator: st.Subtle,
		FullKey:        st.HelpKey,
		FullDesc:       st.HelpDesc,
		FullSeparator:  st.Subtle,
	}
}
