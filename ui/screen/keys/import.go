package keys

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/dustin/go-humanize"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/dialog"
)

// promptImport asks for the path of a keys CSV file, then imports it with
// the same rules and messages as `keydesk import keys`.
// last is the path typed the time before, offered again (a file fixed
// after a refused import is imported again with enter).
func promptImport(c *common.Common, last *string) tea.Cmd {
	st, actor, styles := c.Store, c.Actor, c.Styles
	f := dialog.NewForm(styles, "Import keys", "import", func(v dialog.Values) tea.Cmd {
		path := v["path"]
		*last = path
		return func() tea.Msg { return importFile(st, actor, path) }
	}).WithBody(
		"A CSV file with the header serial,mac,model,firmware,rfid[,profile][,licence_until] (only serial is required).",
		"All rows are imported, or none: every bad line is listed.",
	).WithInput(&dialog.Input{Key: "path", Label: "File", Placeholder: "e.g. ~/keys.csv", Value: *last, Required: true,
		Validate: func(s string) error {
			if s == "" {
				return errors.New("type the path of the file")
			}
			return nil
		}})
	return tea.Batch(common.Cmd(common.OpenDialogMsg{Dialog: f}), f.Init())
}

// importFile opens the file and has the store import it (claim, read,
// check, store); it runs in a command.
func importFile(st *store.Store, actor model.Actor, path string) tea.Msg {
	path = expandHome(path)
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
	var ie *store.ErrImport
	if errors.As(err, &ie) {
		return importProblemsMsg{err: ie}
	}
	return common.ErrMsg{Err: err}
}

// importProblemsMsg carries every bad line of a refused import.
type importProblemsMsg struct{ err *store.ErrImport }

func (m importProblemsMsg) dialog(c *common.Common) common.Dialog {
	lines := strings.Split(m.err.Error(), "\n")
	title := lines[0] // "nothing imported: 3 problems"
	title = strings.ToUpper(title[:1]) + title[1:]
	return dialog.NewMessage(c.Styles, title, lines[1:], true)
}

func expandHome(path string) string {
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	return path
}

// fileError says in plain words why a file cannot be read.
func fileError(path string, err error) error {
	path = model.Printable(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("there is no file %s", path)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("no permission to read %s", path)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("cannot read %s: %v", path, err)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
