package cli

import (
	"fmt"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/spf13/cobra"
)

func (a *app) employeeLeaveCommand() *cobra.Command {
	var reason string
	cmd := &cobra.Command{
		Use:   "leave EMAIL [--reason TEXT]",
		Short: "Mark an employee as left (kept with their history; remove their key as usual)",
		Args:  argsNamed("EMAIL"),
	}
	cmd.RunE = a.onEmployee(func(st *store.Store, ref store.EmployeeRef, _ model.Employee) (string, error) {
		e, err := st.LeaveEmployee(a.actor(), ref, reason)
		return fmt.Sprintf("employee %s left on %s", employeeLine(e), e.LeftAt.Format(time.DateOnly)), err
	})
	cmd.Flags().StringVar(&reason, "reason", "", "why they left")
	return cmd
}

func (a *app) employeeReturnCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "return EMAIL",
		Short: "Undo a leaving: the employee is active again",
		Args:  argsNamed("EMAIL"),
	}
	cmd.RunE = a.onEmployee(func(st *store.Store, ref store.EmployeeRef, _ model.Employee) (string, error) {
		e, err := st.ReturnEmployee(a.actor(), ref)
		return fmt.Sprintf("employee %s is active again", employeeLine(e)), err
	})
	return cmd
}

// onEmployee is the RunE of a command that changes the employee its
// EMAIL argument names: change gets them at the revision just read (a
// change made meanwhile by someone else is refused), and its line is
// printed once it is done.
func (a *app) onEmployee(change func(st *store.Store, ref store.EmployeeRef, e model.Employee) (string, error)) func(*cobra.Command, []string) error {
	return a.action(func(_ *cobra.Command, args []string) error {
		return a.withStore(mustExist, func(st *store.Store) error {
			e, err := st.Employee(args[0])
			if err != nil {
				return err
			}
			line, err := change(st, store.EmployeeRef{Email: e.Email, Rev: e.Rev}, e)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(a.env.Stderr, line)
			return err
		})
	})
}
