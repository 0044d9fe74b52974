package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/serve/authkeys"
	"github.com/spf13/cobra"
)

// The admin commands manage who may use keydesk serve, and with which
// role (SPEC 9). Every change is audited; the store enforces the rules.

func (a *app) adminAddCommand() *cobra.Command {
	role := roleFlag()
	var key string
	cmd := a.command("add NAME --role admin|helpdesk|auditor --key 'ssh-ed25519 AAAA... comment'",
		"Let someone in over SSH with their public key (--key - reads it from stdin)", argsNamed("NAME"),
		func(cmd *cobra.Command, args []string) error {
			if !role.value.Valid() {
				return usagef(cmd, "admin add needs --role admin, helpdesk or auditor")
			}
			if !cmd.Flags().Changed("key") {
				return usagef(cmd, "admin add needs --key 'ssh-ed25519 AAAA...' (the line of their .pub file), or --key - to read it from stdin")
			}
			if key == "-" {
				line, err := bufio.NewReader(a.env.Stdin).ReadString('\n')
				if err != nil && line == "" {
					return errors.New("no public key on stdin: send the line of their .pub file")
				}
				key = line
			}
			return a.do(mayCreate, func(st *store.Store) (string, error) {
				added, err := st.AddAdmin(a.actor(), args[0], role.value, key)
				return fmt.Sprintf("%s added as %s (key %s)", model.Printable(added.Name), added.Role, added.Fingerprint), err
			})
		})
	cmd.Flags().Var(role, "role", "admin (everything), helpdesk (codes and new joiners) or auditor (reads only)")
	cmd.Flags().StringVar(&key, "key", "", "their public key, as one line of a .pub file; - reads it from stdin")
	return cmd
}

func (a *app) adminRoleCommand() *cobra.Command {
	return a.command("role NAME admin|helpdesk|auditor",
		"Change an admin's role; it takes effect at their next action, also in an open session", argsNamed("NAME", "ROLE"),
		func(cmd *cobra.Command, args []string) error {
			role, err := model.ParseRole(args[1])
			if err != nil {
				return usagef(cmd, "%s", err)
			}
			return a.do(mustExist, func(st *store.Store) (string, error) {
				changed, err := st.SetAdminRole(a.actor(), args[0], role)
				return fmt.Sprintf("%s is now %s", model.Printable(changed.Name), changed.Role), err
			})
		})
}

func (a *app) adminRemoveCommand() *cobra.Command {
	return a.command("remove NAME",
		"Shut an admin out: their key no longer logs in (a key also in authorized_keys stays an admin)", argsNamed("NAME"),
		func(_ *cobra.Command, args []string) error {
			return a.do(mustExist, func(st *store.Store) (string, error) {
				removed, err := st.RemoveAdmin(a.actor(), args[0])
				if err != nil {
					return "", err
				}
				line := fmt.Sprintf("%s removed", model.Printable(removed.Name))
				if a.bootstrapLists(st, removed.Fingerprint) {
					line += fmt.Sprintf("\nkeydesk: their key is also in %s, which makes it an admin: remove that line too to shut them out",
						a.authorizedKeysPath(st))
				}
				return line, nil
			})
		})
}

func (a *app) adminListCommand() *cobra.Command {
	return a.tableCommand("list", "List who may connect: name, role, key fingerprint, added, last seen", readOnly,
		"NAME\tROLE\tKEY\tADDED\tLAST SEEN\tFROM", func(st *store.Store, w io.Writer) error {
			admins, err := st.Admins(a.actor())
			if err != nil {
				return err
			}
			known := map[string]bool{}
			for _, ad := range admins {
				known[ad.Fingerprint] = true
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\tadmins table\n", model.Printable(ad.Name), ad.Role, ad.Fingerprint,
					day(ad.AddedAt), day(ad.LastSeen))
			}
			bootstrap, _, err := authkeys.Read(a.authorizedKeysPath(st))
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				fmt.Fprintf(a.env.Stderr, "keydesk: cannot read %s: %v\n", a.authorizedKeysPath(st), err)
			}
			for _, k := range bootstrap {
				if !known[k.Fingerprint] {
					fmt.Fprintf(w, "%s\tadmin\t%s\t-\t-\tauthorized_keys\n", model.Printable(orUnnamed(k.Comment)), k.Fingerprint)
				}
			}
			return nil
		})
}

// bootstrapLists reports whether authorized_keys holds the key.
func (a *app) bootstrapLists(st *store.Store, fingerprint string) bool {
	keys, _, _ := authkeys.Read(a.authorizedKeysPath(st))
	for _, k := range keys {
		if fingerprint != "" && k.Fingerprint == fingerprint {
			return true
		}
	}
	return false
}

// authorizedKeysPath is the bootstrap file: serve's, inside serve, else
// the default one beside the database.
func (a *app) authorizedKeysPath(st *store.Store) string {
	if a.env.AuthorizedKeysPath != "" {
		return a.env.AuthorizedKeysPath
	}
	return filepath.Join(filepath.Dir(st.Path()), "authorized_keys")
}

func day(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format("2006-01-02 15:04")
}

func orUnnamed(name string) string {
	if name == "" {
		return "(unnamed key)"
	}
	return name
}
