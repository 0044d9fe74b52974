package importfile

import (
	"errors"
	"io"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/dialog"
	"github.com/keydesk/keydesk/ui/component/styles"
)

// File is a kind of CSV file a screen imports.
type File struct {
	What    string // "keys", "employees": the dialog's title and example
	Columns string // what the file holds
	// Import has the store read the opened file (claim, read, check,
	// store) and says what it did.
	Import Importer
}

// RemoteHint answers the import key over SSH, where a path would name a
// file on the server: the file comes from the admin's machine on stdin.
func RemoteHint(what string) string {
	return "over SSH, import from your machine: ssh … import " + what + " - < " + what + ".csv"
}

// Prompt asks for the path of a CSV file of kind f, then imports it in a
// command. last is the path typed the time before, offered again (a file
// fixed after a refused import is imported again with enter).
func Prompt(c *common.Common, f File, last *string) tea.Cmd {
	if c.Remote {
		return common.Cmd(common.InfoMsg{Text: RemoteHint(f.What)})
	}
	st, db, actor := c.Styles, c.Store, c.Actor
	form := dialog.NewForm(st, "Import "+f.What, "import", func(v dialog.Values) tea.Cmd {
		path := v["path"]
		*last = path
		return func() tea.Msg { return run(st, db, actor, path, f.Import) }
	}).WithBody(f.Columns, "All rows are imported, or none: every bad line is listed.").
		WithInput(&dialog.Input{Key: "path", Label: "File", Placeholder: "e.g. ~/" + f.What + ".csv", Value: *last, Required: true,
			Validate: func(s string) error {
				if s == "" {
					return errors.New("type the path of the file")
				}
				return nil
			}})
	return tea.Batch(common.Cmd(common.OpenDialogMsg{Dialog: form}), form.Init())
}

// Importer has st import, as actor, the file read from r (path names
// it) and says what the import did; the error is the store's.
type Importer func(st *store.Store, actor model.Actor, path string, r io.Reader) (tea.Msg, error)

// run opens the file at path and imports it. A refused import opens a
// dialog with its every bad line; any other failure is an error.
func run(st *styles.Styles, db *store.Store, actor model.Actor, path string, importInto Importer) tea.Msg {
	path = ExpandHome(path)
	file, err := Open(path)
	if err == nil {
		defer file.Close()
		var done tea.Msg
		// A local file of bounded size: nothing needs to stop reading it.
		if done, err = importInto(db, actor, path, file); err == nil {
			return done
		}
	}
	var ie *store.ImportError
	if errors.As(err, &ie) {
		return common.OpenDialogMsg{Dialog: problemsDialog(st, ie)}
	}
	return common.ErrMsg{Err: err}
}
