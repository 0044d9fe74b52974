package history

import (
	"fmt"
	"strings"

	"github.com/dustin/go-humanize"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/styles"
	"github.com/keydesk/keydesk/ui/component/table"
)

// EntryView is one audit entry in full, hashes included: the Audit
// screen's, and a history row opened on a key's or an employee's page.
func EntryView(st *styles.Styles, e *model.AuditEntry, w, height int) string {
	row := func(label, value string) string { return st.Label.Render(label) + st.Text.Render(value) }
	fields := []string{
		st.Title.Render(fmt.Sprintf("Audit entry %s", humanize.Comma(int64(e.Seq)))),
		row("Time", e.Time.UTC().Format("2006-01-02 15:04:05 UTC")),
	}
	// All of the actor, the key's fingerprint too, over two lines if
	// it must.
	fields = append(fields, common.FieldLines(st, "Actor", model.Printable(e.Actor), w, 2)...)
	fields = append(fields,
		row("Action", model.Printable(e.Action.Words()+" ("+string(e.Action)+")")),
		row("Target", model.Printable(e.Target)),
		row("Change", Change(e)),
	)
	hashes := []string{row("Hash", e.Hash), row("Previous hash", e.PrevHash)}
	foot := []string{"", st.Subtle.Render("esc back")}
	// The note is free text of up to 500 characters: all of it, unless
	// the screen is too short.
	spare := height - len(fields) - len(hashes) - len(foot)
	lines := append(fields, common.FieldLines(st, "Note", model.Printable(e.Note), w, spare)...)
	lines = append(lines, hashes...)
	for i := range lines {
		lines[i] = table.Fit(lines[i], w)
	}
	return strings.Join(append(lines, foot...), "\n")
}

// Focus is the history taking the page's keys: the arrows move in it,
// enter opens the entry under the cursor, esc gives the keys back.
type Focus struct {
	Focused bool
	Opened  *model.AuditEntry
}
