package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/spf13/cobra"
)

func (a *app) directorySyncCommand() *cobra.Command {
	var opt store.SyncOptions
	cmd := a.command("sync [FILE.csv|-] [--dry-run] [--confirm-leavers N]",
		"Sync the employees with a snapshot file, or with LDAP when no file is given", cobra.MaximumNArgs(1),
		func(cmd *cobra.Command, args []string) error {
			if opt.ConfirmLeavers < 0 {
				return usagef(cmd, "--confirm-leavers takes the number of leavers")
			}
			run := func(st *store.Store, src store.DirectorySource) error {
				var res store.SyncResult
				var err error
				if src == nil {
					res, err = st.SyncDirectoryLDAP(a.ctx, a.actor(), opt)
				} else {
					res, err = st.SyncDirectory(a.ctx, a.actor(), src, opt)
				}
				if !res.At.IsZero() {
					printSyncPlan(a.env.Stdout, res)
				}
				if err != nil {
					return err
				}
				switch {
				case res.Applied:
					fmt.Fprintf(a.env.Stderr, "directory sync applied: %s\n", model.Printable(res.Plan.Summary()))
				default:
					fmt.Fprintf(a.env.Stderr, "dry run, nothing changed: %s\n", model.Printable(res.Plan.Summary()))
				}
				return nil
			}
			if len(args) == 0 {
				return a.withStore(mustExist, func(st *store.Store) error { return run(st, nil) })
			}
			if shared := a.env.Store; shared != nil {
				done, err := shared.BeginImport(a.actor(), model.OpDirectorySync)
				if err != nil {
					return err
				}
				defer done()
			}
			return a.withStore(mustExist, func(st *store.Store) error {
				return run(st, &fileSource{a: a, name: args[0]})
			})
		})
	cmd.Long = `Compare the people of the directory with the employees and apply the
difference in one transaction: joiners are added, movers (matched by
external id) get their new fields, leavers are marked left at once and
their keys withdrawn after the grace period; a leaver found again is
active again. Employees without an external id were typed in and are
never made leavers.

FILE is a snapshot: every person in the directory now, as CSV with the
header external_id,first_name,last_name,email,phone,department,position,
company (external_id, first_name and email required); "-" reads stdin.
Without FILE, the LDAP directory of keydesk directory settings is read.

--dry-run prints the plan and changes nothing. A source that fails, lists
nobody or fewer people than the floor, or that would make more than the
allowed share of the active employees leavers, is refused, audited, and
changes nothing; --confirm-leavers N lets a sync through the share rule
when N is exactly its number of leavers.`
	cmd.Flags().BoolVar(&opt.DryRun, "dry-run", false, "print what the sync would do and change nothing")
	cmd.Flags().IntVar(&opt.ConfirmLeavers, "confirm-leavers", 0, "confirm this exact number of leavers, past the allowed share")
	return cmd
}

// fileSource is a snapshot file, or stdin for "-", read when the store
// asks (within its timeout) and bounded like an import.
type fileSource struct {
	a    *app
	name string
}

func (f *fileSource) Name() string { return store.SnapshotSource{File: f.name}.Name() }

func (f *fileSource) People(ctx context.Context) (people []model.EmployeeInput, fields model.SyncFields, err error) {
	rerr := f.a.readInput(f.name, func(_ string, r io.Reader) error {
		people, fields, err = store.SnapshotSource{R: r, File: f.name}.People(ctx)
		return err
	})
	if err == nil {
		err = rerr
	}
	return people, fields, err
}

// printSyncPlan writes the plan, one person a line.
func printSyncPlan(w io.Writer, res store.SyncResult) {
	p := res.Plan
	name := func(first, last, email string) string {
		return model.Printable(strings.TrimSpace(first+" "+last)) + " <" + model.Printable(email) + ">"
	}
	fmt.Fprintf(w, "source: %s (%d %s)\n", model.Printable(res.Source), p.Entries, plural(p.Entries, "person", "people"))
	fmt.Fprintf(w, "joiners: %d\n", len(p.Joiners))
	for _, j := range p.Joiners {
		fmt.Fprintf(w, "  + %s\n", name(j.FirstName, j.LastName, j.Email))
	}
	fmt.Fprintf(w, "movers: %d\n", len(p.Movers))
	for _, m := range p.Movers {
		what := strings.Join(m.Fields, ", ")
		if m.Returning {
			what = strings.TrimPrefix(what+", back after leaving", ", ")
		}
		fmt.Fprintf(w, "  ~ %s: %s\n", name(m.To.FirstName, m.To.LastName, m.To.Email), what)
	}
	fmt.Fprintf(w, "leavers: %d of %d active (%.1f%%, at most %d%% without confirmation)\n",
		len(p.Leavers), p.Active, p.LeaverPercent(), res.Policy.MaxLeaverPercent)
	for _, l := range p.Leavers {
		fmt.Fprintf(w, "  - %s\n", name(l.FirstName, l.LastName, l.Email))
	}
	fmt.Fprintf(w, "keys withdrawn now: %d\n", len(p.Withdrawals))
	for _, x := range p.Withdrawals {
		fmt.Fprintf(w, "  ! %s\n", name(x.Employee.FirstName, x.Employee.LastName, x.Employee.Email))
	}
	fmt.Fprintf(w, "keys waiting for the grace period (%s): %d\n", model.GraceText(res.Policy.Grace), len(p.Pending))
	for _, x := range p.Pending {
		fmt.Fprintf(w, "  … %s: on %s\n", name(x.Employee.FirstName, x.Employee.LastName, x.Employee.Email), x.Due.UTC().Format("2006-01-02 15:04"))
	}
	if len(p.Conflicts) > 0 {
		fmt.Fprintf(w, "left out (conflicts): %d\n", len(p.Conflicts))
		for _, c := range p.Conflicts {
			fmt.Fprintf(w, "  ? %s: %s\n", name(c.Person.FirstName, c.Person.LastName, c.Person.Email), model.Printable(c.Msg))
		}
	}
}
