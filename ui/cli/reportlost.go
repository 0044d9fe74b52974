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
	cmd := a.command("report-lost SERIAL --note TEXT",
		"The holder says the key is lost: suspend it with no code shown, flagged for an admin to mark it compromised", argsNamed("SERIAL"),
		func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("note") {
				return usagef(cmd, "key report-lost needs --note: what the caller said (where, when)")
			}
			return a.do(mustExist, func(st *store.Store) (string, error) {
				k, err := st.ReportLost(a.actor(), store.Serial(args[0]), note)
				return fmt.Sprintf("key %s is now Suspended, reported lost: no code was issued to anyone; an admin marks it compromised", model.Printable(k.Serial)), err
			})
		})
	cmd.Flags().StringVar(&note, "note", "", "what the caller said (where, when), for the admin and the audit trail")
	return cmd
}
