package keys

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
	"github.com/keydesk/keydesk/ui/component/importfile"
)

// keysFile is the keys CSV file `i` imports, with the same rules and
// messages as `keydesk import keys`.
var keysFile = importfile.File{What: "keys",
	Columns: "A CSV file with the header serial,mac,model,firmware,rfid[,profile][,licence_until] (only serial is required).",
	Import: func(st *store.Store, actor model.Actor, path string, r io.Reader) (tea.Msg, error) {
		n, err := st.ImportKeysFrom(context.Background(), actor, path, r)
		return common.InfoMsg{Text: fmt.Sprintf("imported %s %s from %s", humanize.Comma(int64(n)),
			plural(n, "key", "keys"), model.Printable(filepath.Base(path)))}, err
	}}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
