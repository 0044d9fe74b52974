package cli

import (
	"fmt"
	"time"

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
	cmd.RunE = a.action(func(_ *cobra.Command, args []string) error {
		return a.withStore(mustExist, func(st *store.Store) error {
			e, err := st.Employee(args[0])
			if err != nil {
				return err
			}
			e, err = st.LeaveEmployee(a.actor(), store.EmployeeRef{Email: e.Email, Rev: e.Rev}, reason)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(a.env.Stderr, "employee %s left on %s\n", employeeLine(e), e.LeftAt.Format(time.DateOnly))
			return err
		})
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
	cmd.RunE = a.action(func(_ *cobra.Command, args []string) error {
		return a.withStore(mustExist, func(st *store.Store) error {
			e, err := st.Employee(args[0])
			if err != nil {
				return err
			}
			e, err = st.ReturnEmployee(a.actor(), store.EmployeeRef{Email: e.Email, Rev: e.Rev})
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(a.env.Stderr, "employee %s is active again\n", employeeLine(e))
			return err
		})
	})
	return cmd
}
