package ui

import (
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/component/data"
	"github.com/keydesk/keydesk/ui/component/styles"
)

// directoryItem is the header's word on the directory sync, once there
// is one to say: a refused sync (in the warning colour, until a sync is
// applied), else what waits ("3 leavers: keys withdrawn in 2 days") and
// when the last sync ran. Width 0: nothing to say.
func directoryItem(st *styles.Styles, idx *data.Index) (string, int) {
	d := idx.Directory()
	if r := d.Refused; r != nil {
		text := "Directory sync refused " + r.At.UTC().Format("15:04") + ": " + model.Printable(shortReason(r.Why))
		return st.Warning.Render(text), len([]rune(text))
	}
	// What waits matters more than when the last sync ran: on a narrow
	// terminal only one of them fits.
	if waiting := d.PendingLine(); waiting != "" {
		text := waiting
		return st.Warning.Render(text), len([]rune(text))
	}
	if d.Last.At.IsZero() {
		return "", 0
	}
	text := "Directory synced " + d.Last.At.UTC().Format("01-02 15:04")
	return st.Subtle.Render(text), len([]rune(text))
}

// shortReason is a refusal without its "refused: " and "; nothing was
// changed", which the header has no room for.
func shortReason(why string) string {
	const prefix, suffix = "refused: ", "; nothing was changed"
	if len(why) > len(prefix) && why[:len(prefix)] == prefix {
		why = why[len(prefix):]
	}
	if len(why) > len(suffix) && why[len(why)-len(suffix):] == suffix {
		why = why[:len(why)-len(suffix)]
	}
	return why
}
