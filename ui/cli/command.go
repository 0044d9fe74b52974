package cli

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/keydesk/keydesk/store"
	"github.com/spf13/cobra"
)

// A command is what its help says (the use line, one line of help, the
// arguments it takes) and its code. Most commands check their flags, open
// the database, call one store operation and say what it did: command
// and do are those steps, so that a command's file holds only the words.

// command is a command that does something (one that holds others is a
// group): run is its code, started by action.
func (a *app) command(use, short string, args cobra.PositionalArgs, run func(cmd *cobra.Command, args []string) error) *cobra.Command {
	return &cobra.Command{Use: use, Short: short, Args: args, RunE: a.action(run)}
}

// do runs op on the database and, once op is done, says on stderr what it
// did: the line op returns.
func (a *app) do(mode openMode, op func(st *store.Store) (string, error)) error {
	return a.withStore(mode, func(st *store.Store) error {
		line, err := op(st)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(a.env.Stderr, line)
		return err
	})
}

// tableCommand is a command that lists what the database holds as a
// table: header (columns split by tabs), then the lines rows writes. The
// table is aligned, and printed, once rows is done: a failed listing
// prints none of it.
func (a *app) tableCommand(use, short string, mode openMode, header string, rows func(st *store.Store, w io.Writer) error) *cobra.Command {
	return a.command(use, short, argsNamed(), func(*cobra.Command, []string) error {
		return a.withStore(mode, func(st *store.Store) error {
			w := tabwriter.NewWriter(a.env.Stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, header)
			if err := rows(st, w); err != nil {
				return err
			}
			return w.Flush()
		})
	})
}
