package cli

import (
	"fmt"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/spf13/cobra"
)

// reportLostCommand is the helpdesk's "I lost my key": the key stops
// working, no code is printed, and it waits for an admin.
func (a *app) reportLostCommand() *cobra.Command {
	var note string
	cmd := &cobra.Command{
		Use:   "report-lost SERIAL --note TEXT",
		Short: "The holder says the key is lost: suspend it with no code shown, flagged for an admin to mark it compromised",
		Args:  argsNamed("SERIAL"),
	}
	cmd.Flags().StringVar(&note, "note", "", "what the caller said (where, when), for the admin and the audit trail")
	cmd.RunE = a.action(func(cmd *cobra.Command, args []string) error {
		if !cmd.Flags().Changed("note") {
			return usagef(cmd, "key report-lost needs --note: what the caller said (where, when)")
		}
		return a.withStore(mustExist, func(st *store.Store) error {
			k, err := st.ReportLost(a.actor(), store.Serial(args[0]), note)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(a.env.Stderr, "key %s is now Suspended, reported lost: no code was issued to anyone; an admin marks it compromised\n", model.Printable(k.Serial))
			return err
		})
	})
	return cmd
}
