package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/store/secrets"
	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"
)

func (a *app) backupCommand() *cobra.Command {
	return a.command("backup FILE|-",
		`Write a consistent copy of the database to a new FILE, or to stdout for "-" (others go on working; audited)`,
		argsNamed("FILE"), func(_ *cobra.Command, args []string) error {
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
					n, err = st.Backup(a.actor(), a.env.Stdout, "stdout")
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
				restored := "the restored file"
				if target != "stdout" {
					restored = model.Printable(target)
				}
				fmt.Fprintf(a.env.Stderr, "the activation codes and the mail password in it are sealed: to read them from a restored copy, "+
					"put a copy of the key file %s beside it, named after it (%s); keep that copy apart from the backup\n",
					model.Printable(st.KeyPath()), model.Printable(secrets.KeyPath(restored)))
				return nil
			})
		})
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
