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
	cmd := a.command("leave EMAIL [--reason TEXT]",
		"Mark an employee as left (kept with their history; remove their key as usual)", argsNamed("EMAIL"),
		func(_ *cobra.Command, args []string) error {
			return a.onEmployee(args[0], func(st *store.Store, ref store.EmployeeRef, _ model.Employee) (string, error) {
				e, err := st.LeaveEmployee(a.actor(), ref, reason)
				return fmt.Sprintf("employee %s left on %s", employeeLine(e), e.LeftAt.Format(time.DateOnly)), err
			})
		})
	cmd.Flags().StringVar(&reason, "reason", "", "why they left")
	return cmd
}

func (a *app) employeeReturnCommand() *cobra.Command {
	return a.command("return EMAIL", "Undo a leaving: the employee is active again", argsNamed("EMAIL"),
		func(_ *cobra.Command, args []string) error {
			return a.onEmployee(args[0], func(st *store.Store, ref store.EmployeeRef, _ model.Employee) (string, error) {
				e, err := st.ReturnEmployee(a.actor(), ref)
				return fmt.Sprintf("employee %s is active again", employeeLine(e)), err
			})
		})
}

// onEmployee changes the employee email names: change gets them at the
// revision just read (a change made meanwhile by someone else is refused
// rather than overwritten), and its line is said once it is done.
func (a *app) onEmployee(email string, change func(st *store.Store, ref store.EmployeeRef, e model.Employee) (string, error)) error {
	return a.do(mustExist, func(st *store.Store) (string, error) {
		e, err := st.Employee(email)
		if err != nil {
			return "", err
		}
		return change(st, store.EmployeeRef{Email: e.Email, Rev: e.Rev}, e)
	})
}
