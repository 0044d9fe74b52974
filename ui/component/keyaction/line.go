package keyaction

import (
	"github.com/charmbracelet/lipgloss"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/styles"
)

// LineHeight is the height of Line, for the screens that leave room for it.
const LineHeight = 1

// Line names, on one line, the actions that work on the target: a list
// shows it above the footer for the row under the cursor, because the
// footer, at 80 columns, has no room for them next to the screen's own
// keys, `?` and `q`. What does not fit is in `?`. A role that may act on
// no key gets no line.
func (k *KeyMap) Line(st *styles.Styles, t Target, width int) string {
	if len(k.All()) == 0 {
		return "" // a role that may do nothing to a key
	}
	lines := common.BindingLines(st, "Key actions", k.Bindings(t), width)
	line := lines[0]
	if len(lines) > 1 && lipgloss.Width(line)+2 <= width {
		line += st.Subtle.Render(" …")
	}
	return line
}
