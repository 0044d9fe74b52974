package cli

import (
	"fmt"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/spf13/cobra"
)

func (a *app) keyCommand() *cobra.Command {
	return a.group("key", "Act on a key: assign, show or renew its code, suspend, unlock, report lost, remove, mark compromised or wiped; its profile, licence, RFID",
		a.assignCommand(),
		a.keyCodeCommand(),
		a.codeCommand(&cobra.Command{
			Use:   "reissue SERIAL",
			Short: "Give a Reserved or Suspended key a new activation code; the old one stops working",
		}, func(st *store.Store, args []string) (store.CodeView, string, error) {
			view, err := st.ReissueCode(a.actor(), store.Serial(args[0]))
			return view, fmt.Sprintf("key %s has a new activation code: the old one no longer works", view.Serial), err
		}),
		a.suspendCommand(),
		a.codeCommand(&cobra.Command{
			Use:   "unlock SERIAL",
			Short: "Unlock a Locked key: it becomes Suspended with a new activation code",
		}, func(st *store.Store, args []string) (store.CodeView, string, error) {
			view, err := st.UnlockKey(a.actor(), store.Serial(args[0]))
			return view, fmt.Sprintf("key %s is now Suspended until the new code is entered", view.Serial), err
		}),
		a.reportLostCommand(),
		a.removeCommand(),
		a.compromiseCommand(),
		a.wipedCommand(),
		a.keyProfileCommand(),
		a.keyLicenceCommand(),
		a.keyRFIDCommand(),
	)
}

// codeCommand finishes a key command whose result is an activation code:
// the code goes to stdout (printCode), what happened to the key, if worth
// saying, to stderr.
func (a *app) codeCommand(cmd *cobra.Command, op func(st *store.Store, args []string) (store.CodeView, string, error)) *cobra.Command {
	if cmd.Args == nil {
		cmd.Args = argsNamed("SERIAL")
	}
	cmd.RunE = a.action(func(_ *cobra.Command, args []string) error {
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
	return cmd
}

func (a *app) assignCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "assign SERIAL EMAIL",
		Short: "Assign a Ready key to an employee who holds none (prints the activation code)",
		Args:  argsNamed("SERIAL", "EMAIL"),
	}
	return a.codeCommand(cmd, func(st *store.Store, args []string) (store.CodeView, string, error) {
		view, err := st.AssignKey(a.actor(), store.Serial(args[0]), args[1])
		return view, fmt.Sprintf("key %s assigned to %s: it is now Reserved", view.Serial, view.Employee), err
	})
}

func (a *app) suspendCommand() *cobra.Command {
	var note string
	cmd := &cobra.Command{
		Use:   "suspend SERIAL [--note TEXT]",
		Short: "Suspend an Active key (prints the activation code that will bring it back)",
	}
	cmd.Flags().StringVar(&note, "note", "", "why, for the audit trail")
	return a.codeCommand(cmd, func(st *store.Store, args []string) (store.CodeView, string, error) {
		view, err := st.SuspendKey(a.actor(), store.Serial(args[0]), note)
		return view, fmt.Sprintf("key %s is now Suspended", view.Serial), err
	})
}

// statusCommand finishes a key command whose result is the key's new
// status, printed as one line. check, when set, looks at the flags before
// the database is opened.
func (a *app) statusCommand(cmd *cobra.Command, check func(cmd *cobra.Command) error,
	op func(st *store.Store, args []string) (model.Key, error)) *cobra.Command {
	if cmd.Args == nil {
		cmd.Args = argsNamed("SERIAL")
	}
	cmd.RunE = a.action(func(cmd *cobra.Command, args []string) error {
		if check != nil {
			if err := check(cmd); err != nil {
				return err
			}
		}
		return a.withStore(mustExist, func(st *store.Store) error {
			k, err := op(st, args)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(a.env.Stderr, statusLine(k))
			return err
		})
	})
	return cmd
}

func (a *app) removeCommand() *cobra.Command {
	reason := &reasonFlag{words: "withdrawal|broken", parse: model.ParseRemoveReason}
	var note string
	cmd := a.statusCommand(&cobra.Command{
		Use:   "remove SERIAL --reason withdrawal|broken [--note TEXT]",
		Short: "Take a key back from its employee (a Reserved key withdrawn goes back to Ready, others to Deactivated)",
	}, func(cmd *cobra.Command) error {
		if reason.reason == model.NoReason {
			return usagef(cmd, "key remove needs --reason withdrawal or --reason broken")
		}
		return nil
	}, func(st *store.Store, args []string) (model.Key, error) {
		return st.RemoveKey(a.actor(), store.Serial(args[0]), reason.reason, note)
	})
	cmd.Flags().Var(reason, "reason", "withdrawal or broken")
	cmd.Flags().StringVar(&note, "note", "", "why, for the audit trail")
	return cmd
}

func (a *app) compromiseCommand() *cobra.Command {
	reason := &reasonFlag{words: "lost|stolen", parse: model.ParseCompromiseReason}
	var confirm, note string
	cmd := a.statusCommand(&cobra.Command{
		Use:   "compromise SERIAL --reason lost|stolen --confirm SERIAL [--note TEXT]",
		Short: "Mark a key lost or stolen: final, the key is never used again",
	}, func(cmd *cobra.Command) error {
		if reason.reason == model.NoReason {
			return usagef(cmd, "key compromise needs --reason lost or --reason stolen")
		}
		if !cmd.Flags().Changed("confirm") {
			return usagef(cmd, "key compromise is final: repeat the serial with --confirm SERIAL")
		}
		return nil
	}, func(st *store.Store, args []string) (model.Key, error) {
		return st.CompromiseKey(a.actor(), store.Serial(args[0]), reason.reason, confirm, note)
	})
	cmd.Flags().Var(reason, "reason", "lost or stolen")
	cmd.Flags().StringVar(&confirm, "confirm", "", "the key's serial again, to confirm")
	cmd.Flags().StringVar(&note, "note", "", "what happened, for the audit trail")
	return cmd
}

func (a *app) wipedCommand() *cobra.Command {
	return a.statusCommand(&cobra.Command{
		Use:   "wiped SERIAL",
		Short: "Record that a Deactivated key was returned and wiped: it goes back to Ready",
	}, nil, func(st *store.Store, args []string) (model.Key, error) {
		return st.KeyWiped(a.actor(), store.Serial(args[0]))
	})
}
