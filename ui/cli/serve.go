package cli

import (
	"errors"
	"path/filepath"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/spf13/cobra"
)

func (a *app) serveCommand() *cobra.Command {
	var opts ServeOptions
	var clustered bool
	var unit unitOptions
	cmd := a.command("serve [--listen ADDR] [--host-key PATH] [--authorized-keys PATH] [--idle-timeout D] [--anchor FILE] [--directory-sync 1h] [--directory-snapshot FILE]",
		"Serve the screens and commands over SSH to many admins at once (public-key login only)",
		argsNamed(), func(cmd *cobra.Command, _ []string) error {
			if unit.print {
				return a.printUnit(cmd, unit, opts)
			}
			if a.env.Store != nil {
				if err := a.env.Store.Check(a.actor(), model.OpServe); err != nil {
					return err
				}
				return errors.New("keydesk serve is already running here")
			}
			if a.env.Serve == nil {
				return errors.New("serve is not available in this build")
			}
			st, err := a.openStore(mayCreate)
			if err != nil {
				return err
			}
			defer st.Close()
			if clustered {
				stop, err := a.startClusterServe(st) // cluster.go
				if err != nil {
					return err
				}
				defer stop()
			}
			opts.DBPath = st.Path()
			dir := filepath.Dir(st.Path())
			if !cmd.Flags().Changed("host-key") {
				opts.HostKeyPath = filepath.Join(dir, "keydesk_host_ed25519")
				if clustered {
					// Every node serves the cluster's host key: one known_hosts
					// entry across a failover (cluster.go).
					if opts.HostKeyPath, err = store.ClusterHostKey(st.Path()); err != nil {
						return err
					}
				}
			}
			if !cmd.Flags().Changed("authorized-keys") {
				opts.AuthorizedKeysPath = filepath.Join(dir, "authorized_keys")
			}
			if opts.DirectorySync != 0 && opts.DirectorySync < time.Minute {
				return usagef(cmd, "--directory-sync is at least 1m")
			}
			return a.env.Serve(a.ctx, st, opts)
		})
	cmd.Long = `Serve the terminal UI and every command over SSH: one process owns the
database, admins connect with ssh -p PORT HOST, or run a command with
ssh -p PORT HOST key code SERIAL. The host key and the authorized keys
file default to files beside the database.`
	cmd.Flags().BoolVar(&clustered, "cluster", false, "run as a node of the cluster this database belongs to (keydesk cluster init or join)")
	cmd.Flags().StringVar(&opts.Listen, "listen", "127.0.0.1:2323", "address to listen on, host:port")
	cmd.Flags().StringVar(&opts.HostKeyPath, "host-key", "", "the server's host key, created if missing (default <db dir>/keydesk_host_ed25519)")
	cmd.Flags().StringVar(&opts.AuthorizedKeysPath, "authorized-keys", "", "the admins' public keys, one per line (default <db dir>/authorized_keys)")
	cmd.Flags().StringVar(&opts.AnchorPath, "anchor", "", "append the audit head (time, seq, hash) to FILE when it moved, at most once a minute, and at shutdown; keep FILE on another machine")
	cmd.Flags().DurationVar(&opts.DirectorySync, "directory-sync", 0, "sync the employees with the LDAP directory of keydesk directory settings (or --directory-snapshot) at this interval (e.g. 1h; 0: never), with the fail-safe of keydesk directory sync")
	cmd.Flags().StringVar(&opts.DirectorySnapshot, "directory-snapshot", "", "a snapshot CSV file on this machine (as for keydesk directory sync FILE) that the scheduled sync and the screens' preview (S) read instead of LDAP")
	cmd.Flags().DurationVar(&opts.IdleTimeout, "idle-timeout", 15*time.Minute, "close a connection after the client has sent nothing for this long (keys, keepalives; screen updates sent to it do not count; 0: never)")
	addUnitFlags(cmd, &unit)
	addOpsFlags(cmd, &opts.Ops)
	return cmd
}
