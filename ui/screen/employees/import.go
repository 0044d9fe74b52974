package employees

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/dustin/go-humanize"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/dialog"
	"github.com/keydesk/keydesk/ui/component/importfile"
)

// RemoteImportHint answers `i` over SSH, where a path would name a file
// on the server: the file comes from the admin's machine on stdin.
const RemoteImportHint = "over SSH, import from your machine: ssh … import employees - < employees.csv"

// promptImport asks for the path of an employees CSV file, then imports
// it with the same rules and messages as `keydesk import employees`, as
// the Keys screen's `i` does for keys. last is the path typed the time
// before, offered again.
func promptImport(c *common.Common, last *string) tea.Cmd {
	st, actor := c.Store, c.Actor
	return importfile.Prompt(c, "Import employees", "e.g. ~/employees.csv", []string{
		"A CSV file with a header naming its columns: first_name and email (required), last_name, phone, " +
			"department, position, company, key (a key to assign: its code is shown once).",
	}, last, func(path string) tea.Msg { return importFile(st, actor, path) })
}

// importFile opens the file and has the store import it; it runs in a
// command.
func importFile(st *store.Store, actor model.Actor, path string) tea.Msg {
	path = importfile.ExpandHome(path)
	file, err := importfile.Open(path)
	if err == nil {
		defer file.Close()
		// A local file of bounded size: nothing needs to stop reading it.
		var n int
		var handouts []store.Handout
		n, handouts, err = st.ImportEmployeesFrom(context.Background(), actor, path, file)
		if err == nil {
			return importedMsg{n: n, handouts: handouts, name: filepath.Base(path)}
		}
	}
	var ie *store.ImportError
	if errors.As(err, &ie) {
		return importProblemsMsg{err: ie}
	}
	return common.ErrMsg{Err: err}
}

// importProblemsMsg carries every bad line of a refused import.
type importProblemsMsg struct{ err *store.ImportError }

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
