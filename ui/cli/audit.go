package cli

import (
	"errors"
	"fmt"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/spf13/cobra"
)

func (a *app) auditCommand() *cobra.Command {
	verify := &cobra.Command{
		Use:   "verify",
		Short: "Check the hash chain of the audit trail: any entry changed or removed is found",
		Args:  argsNamed(),
	}
	verify.RunE = a.action(func(*cobra.Command, []string) error {
		return a.readAs(model.OpAuditVerify, func(st *store.Store) error {
			state, err := st.VerifyAudit()
			var broken *store.ChainError
			if errors.As(err, &broken) {
				return fmt.Errorf("the audit trail does not verify: %s", broken.Error())
			}
			if err != nil {
				return err
			}
			head := state.HeadHash
			if head == "" {
				head = "(none)"
			}
			_, err = fmt.Fprintf(a.env.Stdout, "audit trail verified: %d %s, head %s\n",
				state.Entries, plural(int(state.Entries), "entry", "entries"), head)
			return err
		})
	})
	return a.group("audit", "Check the audit trail (export it with keydesk export audit)", verify)
}
