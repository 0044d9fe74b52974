package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"
)

func (a *app) backupCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "backup FILE|-",
		Short: `Write a consistent copy of the database to a new FILE, or to stdout for "-" (others go on working)`,
		Args:  argsNamed("FILE"),
	}
	cmd.RunE = a.action(func(_ *cobra.Command, args []string) error {
		target := args[0]
		if target == "-" && isTerminal(a.env.Stdout) {
			return errors.New("the backup is binary: redirect stdout to a file (keydesk backup - > copy.db)")
		}
		if target != "-" && a.env.Store != nil {
			// Over SSH a file name would be a file on the server.
			return errors.New(`here the backup can only go to stdout: use "backup -" and redirect it`)
		}
		return a.withStore(mustExist, func(st *store.Store) error {
			var n int64
			var err error
			if target == "-" {
				n, err = st.Backup(a.actor(), a.env.Stdout)
				target = "stdout"
			} else {
				n, err = st.BackupToFile(a.actor(), target)
				if errors.Is(err, fs.ErrExist) {
					return fmt.Errorf("%s already exists: backup never overwrites a file, choose a new name", target)
				}
				if err != nil {
					return fileError("cannot write the backup to", target, err)
				}
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(a.env.Stderr, "wrote %d bytes to %s\n", n, model.Printable(target))
			return nil
		})
	})
	return cmd
}

// isTerminal reports whether w is a terminal, where binary data would be
// garbage at best and terminal commands at worst: a local one, or an SSH
// session with a terminal (keydesk serve marks those with IsTerminal).
func isTerminal(w any) bool {
	if t, ok := w.(interface{ IsTerminal() bool }); ok {
		return t.IsTerminal()
	}
	f, ok := w.(*os.File)
	return ok && isatty.IsTerminal(f.Fd())
}
