package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/spf13/cobra"
)

func (a *app) directoryCommand() *cobra.Command {
	return a.group("directory", "Keep the employees in step with a directory (a snapshot file, or LDAP / Active Directory)",
		a.directorySyncCommand(), a.directorySettingsCommand(), a.directoryStatusCommand())
}

func (a *app) directorySyncCommand() *cobra.Command {
	var dryRun bool
	var confirm int
	cmd := &cobra.Command{
		Use:   "sync [FILE.csv|-] [--dry-run] [--confirm-leavers N]",
		Short: "Sync the employees with a snapshot file, or with LDAP when no file is given",
		Long: `Compare the people of the directory with the employees and apply the
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
when N is exactly its number of leavers.`,
		Args: cobra.MaximumNArgs(1),
	}
	cmd.RunE = a.action(func(_ *cobra.Command, args []string) error {
		opt := store.SyncOptions{DryRun: dryRun, ConfirmLeavers: confirm}
		if confirm < 0 {
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
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "print what the sync would do and change nothing")
	cmd.Flags().IntVar(&confirm, "confirm-leavers", 0, "confirm this exact number of leavers, past the allowed share")
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

// parseGrace reads "3d", "36h", "0".
func parseGrace(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 0 {
			return 0, errors.New("the grace period is like 3d, 36h or 0")
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	if s == "0" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, errors.New("the grace period is like 3d, 36h or 0")
	}
	return d, nil
}
