package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/keydesk/keydesk/model"
)

// The role check comes first, for every command: before its arguments
// are checked against the database, before a password is read, before a
// file is parsed. A role that may not run a command learns only that,
// and the refusal is in the audit trail (access.refused), whatever else
// would have been wrong with the command. The store checks again inside
// each operation's transaction; this check is the same rule (model's
// permissions table) asked earlier, not a second one.

// operationOf is the operation a command line asks for, by the command
// names of model's operations table; false for one that is none (help,
// audit head). key code --email shows the code first, and is checked as
// that; the store checks the e-mail when it comes to it.
func operationOf(cmd *cobra.Command) (model.Operation, bool) {
	path := strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
	switch {
	case path == "settings smtp" && anyChanged(cmd, "host", "port", "tls", "from", "user", "password-stdin", "clear-password"):
		return model.OpSettingsChange, true
	}
	for _, op := range model.Operations {
		if op.Command() == path {
			return op, true
		}
	}
	return 0, false
}

func anyChanged(cmd *cobra.Command, names ...string) bool {
	for _, name := range names {
		if f := cmd.Flags().Lookup(name); f != nil && f.Changed {
			return true
		}
	}
	return false
}

// checkRoleFirst checks the actor's role for cmd's operation: at once on
// the database keydesk serve shares, else once withStore has it open.
// This machine's own user is an admin, who may do everything.
func (a *app) checkRoleFirst(cmd *cobra.Command) error {
	if a.actor().Local() {
		return nil
	}
	op, ok := operationOf(cmd)
	if !ok {
		return nil
	}
	if a.env.Store != nil {
		return a.env.Store.Check(a.actor(), op)
	}
	a.roleFirst = op
	return nil
}
