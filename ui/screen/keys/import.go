package keys

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
	"github.com/keydesk/keydesk/ui/component/importfile"
)

// promptImport asks for the path of a keys CSV file, then imports it with
// the same rules and messages as `keydesk import keys`.
// last is the path typed the time before, offered again (a file fixed
// after a refused import is imported again with enter).
func promptImport(c *common.Common, last *string) tea.Cmd {
	st, actor := c.Store, c.Actor
	return importfile.Prompt(c, "Import keys", "e.g. ~/keys.csv", []string{
		"A CSV file with the header serial,mac,model,firmware,rfid[,profile][,licence_until] (only serial is required).",
	}, last, func(path string) tea.Msg { return importFile(st, actor, path) })
}

// importFile opens the file and has the store import it (claim, read,
// check, store); it runs in a command.
func importFile(st *store.Store, actor model.Actor, path string) tea.Msg {
	path = importfile.ExpandHome(path)
	file, err := openKeysFile(path)
	if err == nil {
		defer file.Close()
		var n int
		// A local file of bounded size: nothing needs to stop reading it.
		n, err = st.ImportKeysFrom(context.Background(), actor, path, file)
		if err == nil {
			return common.InfoMsg{Text: fmt.Sprintf("imported %s %s from %s", humanize.Comma(int64(n)),
				plural(n, "key", "keys"), model.Printable(filepath.Base(path)))}
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

func (m importProblemsMsg) dialog(c *common.Common) common.Dialog {
	return importfile.ProblemsDialog(c, m.err)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
