package employees

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/dustin/go-humanize"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/dialog"
	"github.com/keydesk/keydesk/ui/component/importfile"
)

// employeesFile is the employees CSV file `i` imports, with the same
// rules and messages as `keydesk import employees`.
var employeesFile = importfile.File{What: "employees",
	Columns: "A CSV file with a header naming its columns: first_name and email (required), last_name, phone, " +
		"department, position, company, key (a key to assign: its code is shown once).",
	Import: func(st *store.Store, actor model.Actor, path string, r io.Reader) (tea.Msg, error) {
		n, handouts, err := st.ImportEmployeesFrom(context.Background(), actor, path, r)
		return importedMsg{n: n, handouts: handouts, name: filepath.Base(path)}, err
	}}

// importedMsg is an import done: how many employees, from which file, and
// the codes of the keys it assigned.
type importedMsg struct {
	n        int
	name     string
	handouts []store.Handout
}

func (m importedMsg) text() string {
	what := "employee"
	if m.n != 1 {
		what = "employees"
	}
	return fmt.Sprintf("imported %s %s from %s, %d with a key", humanize.Comma(int64(m.n)), what,
		model.Printable(m.name), len(m.handouts))
}

// imported says what the import did. When it assigned keys, their codes
// are shown once, in a box that scrolls, as the command line prints them:
// the admin must hand them out.
func (m importedMsg) show(c *common.Common) tea.Cmd {
	if len(m.handouts) == 0 {
		return common.Cmd(common.InfoMsg{Text: m.text()})
	}
	lines := []string{"Hand out these activation codes: they are shown only now.", ""}
	for _, h := range m.handouts {
		lines = append(lines, fmt.Sprintf("%s  %s  %s", h.Serial, h.Email, model.GroupCode(h.Code)))
	}
	title := m.text()
	title = "I" + title[1:]
	return tea.Batch(common.Cmd(common.InfoMsg{Text: m.text()}),
		common.Cmd(common.OpenDialogMsg{Dialog: dialog.NewMessage(c.Styles, title, lines, false)}))
}
