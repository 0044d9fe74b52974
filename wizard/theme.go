package wizard

import (
	"fmt"

	"github.com/charmbracelet/bubbles/help"
	"github.com/keydesk/keydesk/ui/component/styles"
)

// The form is drawn with keydesk's one form theme, common.FormTheme, as
// the employee, settings and profile forms are. fieldTitle pads a label
// to the width of the Review page's labels (st.Label), so that the
// values line up in the same column on both pages.
func fieldTitle(st *styles.Styles, label string) string {
	return fmt.Sprintf("%-*s", st.Label.GetWidth(), label)
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
