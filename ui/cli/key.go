package cli

import (
	"fmt"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/spf13/cobra"
)

// codeCommand is a key command whose result is an activation code: the
// code goes to stdout (printCode), what happened to the key, if worth
// saying, to stderr.
func (a *app) codeCommand(use, short string, args cobra.PositionalArgs,
	op func(st *store.Store, args []string) (store.CodeView, string, error)) *cobra.Command {
	return a.command(use, short, args, func(_ *cobra.Command, args []string) error {
		return a.withStore(mustExist, func(st *store.Store) error {
			view, done, err := op(st, args)
			if err != nil {
				return err
			}
			if done != "" {
				fmt.Fprintln(a.env.Stderr, model.Printable(done))
			}
			return printCode(a.env.Stdout, view)
		})
	})
}

func (a *app) assignCommand() *cobra.Command {
	return a.codeCommand("assign SERIAL EMAIL", "Assign a Ready key to an employee who holds none (prints the activation code)",
		argsNamed("SERIAL", "EMAIL"), func(st *store.Store, args []string) (store.CodeView, string, error) {
			view, err := st.AssignKey(a.actor(), store.Serial(args[0]), args[1])
			return view, fmt.Sprintf("key %s assigned to %s: it is now Reserved", view.Serial, view.Employee), err
		})
}

func (a *app) reissueCommand() *cobra.Command {
	return a.codeCommand("reissue SERIAL", "Give a Reserved or Suspended key a new activation code; the old one stops working",
		argsNamed("SERIAL"), func(st *store.Store, args []string) (store.CodeView, string, error) {
			view, err := st.ReissueCode(a.actor(), store.Serial(args[0]))
			return view, fmt.Sprintf("key %s has a new activation code: the old one no longer works", view.Serial), err
		})
}

func (a *app) suspendCommand() *cobra.Command {
	var note string
	cmd := a.codeCommand("suspend SERIAL [--note TEXT]", "Suspend an Active key (prints the activation code that will bring it back)",
		argsNamed("SERIAL"), func(st *store.Store, args []string) (store.CodeView, string, error) {
			view, err := st.SuspendKey(a.actor(), store.Serial(args[0]), note)
			return view, fmt.Sprintf("key %s is now Suspended", view.Serial), err
		})
	cmd.Flags().StringVar(&note, "note", "", "why, for the audit trail")
	return cmd
}

func (a *app) unlockCommand() *cobra.Command {
	return a.codeCommand("unlock SERIAL", "Unlock a Locked key: it becomes Suspended with a new activation code",
		argsNamed("SERIAL"), func(st *store.Store, args []string) (store.CodeView, string, error) {
			view, err := st.UnlockKey(a.actor(), store.Serial(args[0]))
			return view, fmt.Sprintf("key %s is now Suspended until the new code is entered", view.Serial), err
		})
}

// statusCommand is a key command whose result is the key's new status,
// said in one line. check, when set, looks at the flags before the
// database is opened.
func (a *app) statusCommand(use, short string, args cobra.PositionalArgs, check func(cmd *cobra.Command) error,
	op func(st *store.Store, args []string) (model.Key, error)) *cobra.Command {
	return a.command(use, short, args, func(cmd *cobra.Command, args []string) error {
		if check != nil {
			if err := check(cmd); err != nil {
				return err
			}
		}
		return a.do(mustExist, func(st *store.Store) (string, error) {
			k, err := op(st, args)
			return statusLine(k), err
		})
	})
}

func (a *app) removeCommand() *cobra.Command {
	reason := reasonFlag("withdrawal|broken", model.ParseRemoveReason)
	var note string
	cmd := a.statusCommand("remove SERIAL --reason withdrawal|broken [--note TEXT]",
		"Take a key back from its employee (a Reserved key withdrawn goes back to Ready, others to Deactivated)", argsNamed("SERIAL"),
		func(cmd *cobra.Command) error {
			if reason.value == model.NoReason {
				return usagef(cmd, "key remove needs --reason withdrawal or --reason broken")
			}
			return nil
		}, func(st *store.Store, args []string) (model.Key, error) {
			return st.RemoveKey(a.actor(), store.Serial(args[0]), reason.value, note)
		})
	cmd.Flags().Var(reason, "reason", "withdrawal or broken")
	cmd.Flags().StringVar(&note, "note", "", "why, for the audit trail")
	return cmd
}

func (a *app) compromiseCommand() *cobra.Command {
	reason := reasonFlag("lost|stolen", model.ParseCompromiseReason)
	var confirm, note string
	cmd := a.statusCommand("compromise SERIAL --reason lost|stolen --confirm SERIAL [--note TEXT]",
		"Mark a key lost or stolen: final, the key is never used again", argsNamed("SERIAL"),
		func(cmd *cobra.Command) error {
			if reason.value == model.NoReason {
				return usagef(cmd, "key compromise needs --reason lost or --reason stolen")
			}
			if !cmd.Flags().Changed("confirm") {
				return usagef(cmd, "key compromise is final: repeat the serial with --confirm SERIAL")
			}
			return nil
		}, func(st *store.Store, args []string) (model.Key, error) {
			return st.CompromiseKey(a.actor(), store.Serial(args[0]), reason.value, confirm, note)
		})
	cmd.Flags().Var(reason, "reason", "lost or stolen")
	cmd.Flags().StringVar(&confirm, "confirm", "", "the key's serial again, to confirm")
	cmd.Flags().StringVar(&note, "note", "", "what happened, for the audit trail")
	return cmd
}

func (a *app) wipedCommand() *cobra.Command {
	return a.statusCommand("wiped SERIAL", "Record that a Deactivated key was returned and wiped: it goes back to Ready",
		argsNamed("SERIAL"), nil, func(st *store.Store, args []string) (model.Key, error) {
			return st.KeyWiped(a.actor(), store.Serial(args[0]))
		})
}
