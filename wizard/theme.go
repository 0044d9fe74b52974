package wizard

import (
	"fmt"

	"github.com/keydesk/keydesk/ui/component/styles"
)

// The form is drawn with keydesk's one form theme, common.FormTheme, as
// the employee, settings and profile forms are. fieldTitle pads a label
// to the width of the Review page's labels (st.Label), so that the
// values line up in the same column on both pages.
func fieldTitle(st *styles.Styles, label string) string {
	return fmt.Sprintf("%-*s", st.Label.GetWidth(), label)
}
