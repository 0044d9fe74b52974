package cli

import (
	"errors"
	"fmt"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/serve"
	"github.com/spf13/cobra"
)

func (a *app) restoreCommand() *cobra.Command {
	var opt store.RestoreOptions // the flags, then the backup and who restores
	cmd := a.command("restore BACKUP [--key-file PATH] [--other-database]",
		"Put a backup back in place of the database, after checking it whole (the current file is kept beside it)",
		argsNamed("BACKUP"), func(_ *cobra.Command, args []string) error {
			if a.env.Store != nil || !a.actor().Local() {
				return errors.New("restore cannot run through keydesk serve, which holds the database: stop serve, then run keydesk restore on its host")
			}
			path, err := a.dbPath()
			if err != nil {
				return err
			}
			opt.Backup, opt.Actor = args[0], a.actor()
			res, err := store.Restore(path, opt)
			var inUse *store.InUseError
			if errors.As(err, &inUse) && inUse.Path == path {
				if info, ok := serve.ReadAddressFile(serve.AddressFile(path)); ok && info.Running() {
					return fmt.Errorf("keydesk serve (pid %d) holds the database %s: stop it first (systemctl stop keydesk), then restore", info.PID, path)
				}
				return fmt.Errorf("another keydesk program holds the database %s: close it, then restore", path)
			}
			if err != nil {
				return err
			}
			out := a.env.Stdout
			fmt.Fprintf(out, "restored %s into %s\n", model.Printable(args[0]), model.Printable(path))
			fmt.Fprintf(out, "checked: pages whole; audit trail verified (%d %s, head %s); records match it (%d %s, %d %s); %d activation %s opened with the key file\n",
				res.Entries, plural(int(res.Entries), "entry", "entries"), res.HeadHash,
				res.Keys, plural(res.Keys, "key", "keys"), res.People, plural(res.People, "employee", "employees"),
				res.Codes, plural(res.Codes, "code", "codes"))
			if res.KeptAs != "" {
				fmt.Fprintf(out, "the database it replaced is kept as %s", model.Printable(res.KeptAs))
				if res.KeyKeptAs != "" {
					fmt.Fprintf(out, ", its key file as %s", model.Printable(res.KeyKeptAs))
				}
				fmt.Fprintln(out)
			}
			return nil
		})
	cmd.Long = `Put a backup (from keydesk backup, or serve's scheduled backups) back in
place of the database. The backup is checked first, on a copy beside the
database: bbolt's page check, its audit trail verified and replayed
against its records, and its key file (by default the one named after the
backup: monday.db -> monday.key) opening every activation code in it.
A backup whose audit trail began apart from this database's is refused
unless --other-database says that is meant.

Nothing may hold the database meanwhile: stop keydesk serve first
(systemctl stop keydesk). The current file and its key file are kept
beside it, renamed NAME.before-restore-TIME.db and .key, never
overwritten; the restore is written into the restored trail.`
	cmd.Flags().StringVar(&opt.KeyFile, "key-file", "", "the backup's key file (default: named after the backup, BACKUP with .key for .db)")
	cmd.Flags().BoolVar(&opt.OtherDatabase, "other-database", false, "allow a backup of another database (its audit trail began elsewhere) to replace this one")
	return cmd
}
