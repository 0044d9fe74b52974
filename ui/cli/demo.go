package cli

import (
	"fmt"
	"strings"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/spf13/cobra"
)

func (a *app) demoCommand() *cobra.Command {
	var keys, employees int
	cmd := a.command("demo", "Fill an empty database with sample data", argsNamed(),
		func(cmd *cobra.Command, _ []string) error {
			if keys < 0 || employees < 0 {
				return usagef(cmd, "--keys and --employees cannot be negative")
			}
			return a.do(mayCreate, func(st *store.Store) (string, error) {
				if err := st.FillDemo(a.actor(), keys, employees); err != nil {
					return "", err
				}
				snap, err := st.Snapshot()
				if err != nil {
					return "", err
				}
				return fmt.Sprintf("demo data in %s: %d keys (%s), %d employees",
					model.Printable(st.Path()), len(snap.Keys), statusCounts(snap.Counts()), len(snap.Employees)), nil
			})
		})
	cmd.Long = `Fill an empty database with sample keys in every status, employees with and
without keys, and a plausible history. Refused when the database already
holds keys or employees.`
	cmd.Flags().IntVar(&keys, "keys", 300, "number of keys")
	cmd.Flags().IntVar(&employees, "employees", 200, "number of employees")
	return cmd
}

// statusCounts lists how many keys are in each status, in screen order:
// "95 Ready, 16 Reserved, ...".
func statusCounts(counts map[model.Status]int) string {
	var parts []string
	for _, s := range model.Statuses {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}
