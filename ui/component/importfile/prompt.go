package importfile

import (
	"errors"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/dialog"
)

// Prompt asks for the path of a CSV file to import, then runs the import
// in a command. body says what the file holds; last is the path typed the
// time before, offered again (a file fixed after a refused import is
// imported again with enter).
func Prompt(c *common.Common, title, placeholder string, body []string, last *string, run func(path string) tea.Msg) tea.Cmd {
	f := dialog.NewForm(c.Styles, title, "import", func(v dialog.Values) tea.Cmd {
		path := v["path"]
		*last = path
		return func() tea.Msg { return run(path) }
	}).WithBody(append(body, "All rows are imported, or none: every bad line is listed.")...).
		WithInput(&dialog.Input{Key: "path", Label: "File", Placeholder: placeholder, Value: *last, Required: true,
			Validate: func(s string) error {
				if s == "" {
					return errors.New("type the path of the file")
				}
				return nil
			}})
	return tea.Batch(common.Cmd(common.OpenDialogMsg{Dialog: f}), f.Init())
}
