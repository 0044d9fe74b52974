package common

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/keydesk/keydesk/ui/component/styles"
)

// NewHelp is the help bubble in keydesk's styles, for the footer and the
// wizard (help.New's are drawn by the process's renderer, not the
// session's).
func NewHelp(st *styles.Styles) help.Model {
	return help.Model{ShortSeparator: " • ", FullSeparator: "    ", Ellipsis: "…", Styles: help.Styles{
		Ellipsis:       st.Subtle,
		ShortKey:       st.HelpKey,
		ShortDesc:      st.HelpDesc,
		ShortSeparator: st.Subtle,
		FullKey:        st.HelpKey,
		FullDesc:       st.HelpDesc,
		FullSeparator:  st.Subtle,
	}}
}
