package keys

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/dustin/go-humanize"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/importfile"
)

// RemoteImportHint answers `i` over SSH, where a path would name a file
// on the server: the file comes from the admin's machine on stdin.
const RemoteImportHint = "over SSH, import from your machine: ssh … import keys - < keys.csv"

// promptImport asks for the path of a keys CSV file, then imports it with
// the same rules and messages as `keydesk import keys`.
// last is the path typed the time before, offered again (a file fixed
// after a refused import is imported again with enter).
func promptImport(c *common.Common, last *string) tea.Cmd {
	st, actor := c.Store, c.Actor
	return importfile.Prompt(c, "Import keys", "e.g. ~/keys.csv", []string{
		"A CSV file with the header serial,mac,model,firmware,rfid[,profile][,licence_until] (only serial is required).",
	}, last, func(path string, r io.Reader) (tea.Msg, error) {
		n, err := st.ImportKeysFrom(context.Background(), actor, path, r)
		return common.InfoMsg{Text: fmt.Sprintf("imported %s %s from %s", humanize.Comma(int64(n)),
			plural(n, "key", "keys"), model.Printable(filepath.Base(path)))}, err
	})
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
