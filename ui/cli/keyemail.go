package cli

import (
	"errors"
	"fmt"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/spf13/cobra"
)

// keyCodeCommand is `key code SERIAL [--email [--to ADDRESS]]`: the code
// is printed first, so it is on screen whatever the mail server does.
func (a *app) keyCodeCommand() *cobra.Command {
	var email bool
	var to string
	cmd := a.command("code SERIAL [--email [--to ADDRESS]]",
		"Print the current activation code of a Reserved or Suspended key, and e-mail it with --email (both are audited)",
		argsNamed("SERIAL"), func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("to") {
				if !email {
					return usagef(cmd, "--to goes with --email: key code SERIAL --email --to ADDRESS")
				}
				if !validAddress(to) {
					return usagef(cmd, "--to needs an e-mail address, not %q", to)
				}
			}
			return a.withStore(mustExist, func(st *store.Store) error {
				view, err := st.ShowCode(a.actor(), store.Serial(args[0]))
				if err != nil {
					return err
				}
				if err := printCode(a.env.Stdout, view); err != nil {
					return err
				}
				if !email {
					return nil
				}
				if to == "" {
					to = view.Email
				}
				return a.emailCode(st, view, to)
			})
		})
	cmd.Long = `Print the current activation code of a Reserved or Suspended key.

With --email the code is also e-mailed, to the employee or to --to ADDRESS,
through the mail server of keydesk settings smtp (10 seconds at most). The
code is printed first, whatever happens to the e-mail; a failed send exits 1
with the reason. Every showing and every sending is recorded in the audit
trail, never the code itself.`
	cmd.Flags().BoolVar(&email, "email", false, "also e-mail the code (to the employee unless --to says otherwise)")
	cmd.Flags().StringVar(&to, "to", "", "with --email: the address to send to instead of the employee's")
	return cmd
}

// emailCode sends the code and records the attempt, sent or not, in the
// audit trail.
func (a *app) emailCode(st *store.Store, view store.CodeView, to string) error {
	err := st.EmailCode(a.ctx, a.actor(), view, to, a.mailOptions())
	if errors.Is(err, store.ErrNoMailServer) {
		return errNoMailServer
	}
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(a.env.Stderr, "code e-mailed to %s\n", model.Printable(to))
	return err
}
