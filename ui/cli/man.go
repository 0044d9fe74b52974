package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// manCommand writes one man page per command (keydesk.1, keydesk-key.1,
// keydesk-key-assign.1, ...) from the command tree, so the pages say what
// the program's own help says.
func (a *app) manCommand() *cobra.Command {
	cmd := a.command("man DIR",
		"Write the man pages of every command into DIR (section 1)",
		argsNamed("DIR"), func(_ *cobra.Command, args []string) error {
			if a.env.Store != nil {
				return errManOverSSH
			}
			dir := args[0]
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return fileError("cannot create", dir, err)
			}
			tree := wholeTree(newApp(a.ctx, a.env))
			tree.DisableAutoGenTag = true // the pages of one version are the same bytes
			header := &doc.GenManHeader{Title: "KEYDESK", Section: "1", Source: "keydesk " + version,
				Manual: "keydesk manual", Date: manDate()}
			if err := doc.GenManTree(tree, header, dir); err != nil {
				return fileError("cannot write the man pages into", dir, err)
			}
			n, _ := filepath.Glob(filepath.Join(dir, "keydesk*.1"))
			fmt.Fprintf(a.env.Stderr, "wrote %d man pages into %s\n", len(n), dir)
			return nil
		})
	cmd.Long = `Write a man page for keydesk and one for each of its commands into DIR,
created if missing; existing pages of the same names are replaced.

  keydesk man /usr/local/share/man/man1 && mandb`
	return cmd
}

// manDate is the pages' date: SOURCE_DATE_EPOCH when a packager sets it
// (reproducible builds), else today.
func manDate() *time.Time {
	t := time.Now().UTC()
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		var sec int64
		if _, err := fmt.Sscan(s, &sec); err == nil {
			t = time.Unix(sec, 0).UTC()
		}
	}
	return &t
}

// errManOverSSH: a directory named over SSH would be one on the server.
var errManOverSSH = errors.New("here man cannot write files: run keydesk man DIR on your own machine")
