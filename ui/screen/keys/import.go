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

// importFile is the keys CSV file `i` imports, with the same rules and
// messages as `keydesk import keys`.
func (m *Model) importFile() importfile.File {
	st, actor := m.Store, m.Actor
	return importfile.File{What: "keys", RemoteHint: RemoteImportHint,
		Columns: "A CSV file with the header serial,mac,model,firmware,rfid[,profile][,licence_until] (only serial is required).",
		Import: func(path string, r io.Reader) (tea.Msg, error) {
			n, err := st.ImportKeysFrom(context.Background(), actor, path, r)
			return common.InfoMsg{Text: fmt.Sprintf("imported %s %s from %s", humanize.Comma(int64(n)),
				plural(n, "key", "keys"), model.Printable(filepath.Base(path)))}, err
		}}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
