package cli

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/keydesk/keydesk/store"
	"github.com/spf13/cobra"
)

func (a *app) importKeysCommand() *cobra.Command {
	cmd := a.command("keys FILE.csv", "Add keys to the stock as Ready (header serial,mac,model,firmware,rfid; all rows or none)",
		argsNamed("FILE"), func(_ *cobra.Command, args []string) error {
			n, err := importInput(a, args[0], store.ReadKeyFile, func(st *store.Store, rows *store.KeyFile) (int, error) {
				return st.ImportKeyFile(a.actor(), rows)
			}, func(st *store.Store, name string, r io.Reader) (int, error) {
				return st.ImportKeysFrom(a.ctx, a.actor(), name, r)
			})
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(a.env.Stderr, "imported %d %s\n", n, plural(n, "key", "keys"))
			return err
		})
	cmd.Long = `Add the keys of a CSV file to the stock, as Ready. The first line is the
header: serial,mac,model,firmware,rfid (any order; only serial is required).
Either every row is imported or none: every bad line is listed. FILE "-"
reads stdin.`
	return cmd
}

func (a *app) importEmployeesCommand() *cobra.Command {
	cmd := a.command("employees FILE.csv", "Add employees (header first_name,last_name,email,phone,department,position[,key]; all rows or none)",
		argsNamed("FILE"), func(_ *cobra.Command, args []string) error {
			var handouts []store.Handout
			n, err := importInput(a, args[0], store.ReadEmployees, func(st *store.Store, rows []store.EmployeeRow) (n int, err error) {
				handouts, err = st.ImportEmployees(a.actor(), rows)
				return len(rows), err
			}, func(st *store.Store, name string, r io.Reader) (n int, err error) {
				n, handouts, err = st.ImportEmployeesFrom(a.ctx, a.actor(), name, r)
				return n, err
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(a.env.Stderr, "imported %d %s, %d with a key\n", n, plural(n, "employee", "employees"), len(handouts))
			if len(handouts) == 0 {
				return nil
			}
			return writeHandouts(a.env.Stdout, handouts)
		})
	cmd.Long = `Add the employees of a CSV file. The first line is the header:
first_name,last_name,email,phone,department,position and optionally key, a
Ready key's serial to assign. Either every row is imported or none: every
bad line is listed. FILE "-" reads stdin.

The activation codes of the assigned keys are printed on stdout as CSV
(serial,email,code), for the admin to hand out; the summary goes to stderr.`
	return cmd
}

// importInput imports the file (or stdin) name through the store. Inside
// keydesk serve the database is shared: the store claims its import
// before reading (from). A local keydesk reads the file first (read) and
// opens the database only to store what it read (save), as the only
// program on it: a file that does not parse leaves no new database.
func importInput[R any](a *app, name string, read func(context.Context, string, io.Reader) (R, error),
	save func(*store.Store, R) (int, error), from func(*store.Store, string, io.Reader) (int, error)) (int, error) {
	var n int
	if shared := a.env.Store; shared != nil {
		err := a.readInput(name, func(label string, r io.Reader) (err error) {
			n, err = from(shared, label, r)
			return err
		})
		return n, err
	}
	var rows R
	if err := a.readInput(name, func(label string, r io.Reader) (err error) {
		rows, err = read(a.ctx, label, r)
		return err
	}); err != nil {
		return 0, err
	}
	if a.ctx.Err() != nil {
		return 0, store.ErrImportStopped // the admin went away: nobody would see the result
	}
	err := a.withStore(mayCreate, func(st *store.Store) (err error) {
		n, err = save(st, rows)
		return err
	})
	return n, err
}

// writeHandouts is the one place besides the code commands where codes
// are printed: the admin imported the assignments and must hand them out.
func writeHandouts(w io.Writer, handouts []store.Handout) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"serial", "email", "code"})
	for _, h := range handouts {
		cw.Write([]string{csvCell(h.Serial), csvCell(h.Email), h.Code})
	}
	cw.Flush()
	return cw.Error()
}

// readInput hands a file, or stdin for "-", to read, with the name to
// use in messages. Inside keydesk serve only stdin is read: a file name
// would name a file on the server, which an admin connected over SSH has
// no business reading.
func (a *app) readInput(name string, read func(label string, r io.Reader) error) error {
	if name == "-" {
		return read("stdin", a.env.Stdin)
	}
	if a.env.Store != nil {
		return errors.New("here the file must come on stdin: give - as FILE and send the file as input")
	}
	f, err := os.Open(name)
	if err != nil {
		return fileError("cannot read", name, err)
	}
	defer f.Close()
	return read(name, f)
}

// fileError says what went wrong with a file in a few words, without Go's
// "open NAME:" prefix repeating the name.
func fileError(what, name string, err error) error {
	var pathErr *fs.PathError
	if errors.As(err, &pathErr) {
		err = pathErr.Err
	}
	return fmt.Errorf("%s %s: %v", what, name, err)
}
