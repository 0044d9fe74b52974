package cli

import (
	"fmt"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// profileFlags are the fields of an employee as flags; the same set serves
// add and edit.
type profileFlags struct {
	in model.EmployeeInput
}

func (p *profileFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&p.in.FirstName, "first", "", "first name")
	fs.StringVar(&p.in.LastName, "last", "", "last name")
	fs.StringVar(&p.in.Email, "email", "", "e-mail address")
	fs.StringVar(&p.in.Phone, "phone", "", "phone number")
	fs.StringVar(&p.in.Department, "department", "", "department")
	fs.StringVar(&p.in.Position, "position", "", "position")
	fs.StringVar(&p.in.Company, "company", "", "company")
	fs.StringVar(&p.in.ExternalID, "external-id", "", "the person's id in the directory (entryUUID, objectGUID, employee number)")
}

// applyTo changes in only where a flag was given, so that an edit keeps
// every field the admin did not mention.
func (p *profileFlags) applyTo(fs *pflag.FlagSet, in model.EmployeeInput) (model.EmployeeInput, bool) {
	changed := false
	for _, f := range []struct {
		name string
		dst  *string
		src  string
	}{
		{"first", &in.FirstName, p.in.FirstName}, {"last", &in.LastName, p.in.LastName},
		{"email", &in.Email, p.in.Email}, {"phone", &in.Phone, p.in.Phone},
		{"department", &in.Department, p.in.Department}, {"position", &in.Position, p.in.Position},
		{"company", &in.Company, p.in.Company}, {"external-id", &in.ExternalID, p.in.ExternalID},
	} {
		if fs.Changed(f.name) {
			*f.dst, changed = f.src, true
		}
	}
	return in, changed
}

func profileOf(e model.Employee) model.EmployeeInput {
	return model.EmployeeInput{FirstName: e.FirstName, LastName: e.LastName, Email: e.Email,
		Phone: e.Phone, Department: e.Department, Position: e.Position, Company: e.Company, ExternalID: e.ExternalID}
}

func (a *app) employeeAddCommand() *cobra.Command {
	var profile profileFlags
	var serial string
	cmd := a.command("add --first F [--last L] --email E [--phone P] [--department D] [--position P] [--company C] [--key SERIAL]",
		"Add an employee, optionally with a Ready key (prints the e-mail, or the activation code)", argsNamed(),
		func(cmd *cobra.Command, _ []string) error {
			if !cmd.Flags().Changed("first") || !cmd.Flags().Changed("email") {
				return usagef(cmd, "employee add needs --first and --email")
			}
			return a.withStore(mayCreate, func(st *store.Store) error {
				if serial != "" {
					if err := checkReady(st, serial); err != nil {
						return err
					}
				}
				added, err := st.AddEmployee(a.actor(), profile.in, serial)
				if err != nil {
					return err
				}
				fmt.Fprintf(a.env.Stderr, "added employee %s\n", employeeLine(added.Employee))
				if added.Code != nil {
					return printCode(a.env.Stdout, *added.Code)
				}
				_, err = fmt.Fprintln(a.env.Stdout, model.Printable(added.Employee.Email))
				return err
			})
		})
	cmd.Long = `Add an employee. With --key, the Ready key is assigned in the same step
(both or neither are stored) and the activation code is printed as by
keydesk key code; without it, the employee's e-mail is printed.`
	profile.register(cmd.Flags())
	cmd.Flags().StringVar(&serial, "key", "", "serial of a Ready key to assign")
	return cmd
}

// checkReady says plainly why a key cannot go to a new employee. The store
// checks again in its transaction; this only words the common case for
// the command line.
func checkReady(st *store.Store, serial string) error {
	k, err := st.Key(serial)
	if err != nil {
		return err
	}
	return model.Assignable(k)
}

func (a *app) employeeEditCommand() *cobra.Command {
	var profile profileFlags
	cmd := a.command("edit EMAIL [--first F] [--last L] [--email E] [--phone P] [--department D] [--position P] [--company C]",
		"Change the fields given; the others stay as they are", argsNamed("EMAIL"),
		func(cmd *cobra.Command, args []string) error {
			if _, changed := profile.applyTo(cmd.Flags(), model.EmployeeInput{}); !changed {
				return usagef(cmd, "employee edit: say what to change (--first, --last, --email, --phone, --department, --position or --company)")
			}
			return a.onEmployee(args[0], func(st *store.Store, ref store.EmployeeRef, old model.Employee) (string, error) {
				in, _ := profile.applyTo(cmd.Flags(), profileOf(old))
				e, err := st.EditEmployee(a.actor(), ref, in)
				return "updated employee " + employeeLine(e), err
			})
		})
	profile.register(cmd.Flags())
	return cmd
}

func (a *app) employeeDeleteCommand() *cobra.Command {
	return a.command("delete EMAIL", "Delete an employee who holds no key", argsNamed("EMAIL"),
		func(_ *cobra.Command, args []string) error {
			return a.onEmployee(args[0], func(st *store.Store, ref store.EmployeeRef, e model.Employee) (string, error) {
				return "deleted employee " + employeeLine(e), st.DeleteEmployee(a.actor(), ref)
			})
		})
}
