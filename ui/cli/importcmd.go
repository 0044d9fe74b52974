package cli

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/spf13/cobra"
)

func (a *app) importCommand() *cobra.Command {
	keys := &cobra.Command{
		Use:   "keys FILE.csv",
		Short: "Add keys to the stock as Ready (header serial,mac,model,firmware,rfid; all rows or none)",
		Long: `Add the keys of a CSV file to the stock, as Ready. The first line is the
header: serial,mac,model,firmware,rfid (any order; only serial is required).
Either every row is imported or none: every bad line is listed. FILE "-"
reads stdin.`,
		Args: argsNamed("FILE"),
	}
	keys.RunE = a.action(func(_ *cobra.Command, args []string) error {
		var rows []store.KeyRow
		return a.importFile(args[0], model.OpImportKeys, func(r io.Reader) (err error) {
			rows, err = store.ParseKeysCSV(a.ctx, r)
			return err
		}, func(st *store.Store) error {
			n, err := st.ImportKeys(a.actor(), rows)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(a.env.Stderr, "imported %d %s\n", n, plural(n, "key", "keys"))
			return err
		})
	})

	employees := &cobra.Command{
		Use:   "employees FILE.csv",
		Short: "Add employees (header first_name,last_name,email,phone,department,position[,key]; all rows or none)",
		Long: `Add the employees of a CSV file. The first line is the header:
first_name,last_name,email,phone,department,position and optionally key, a
Ready key's serial to assign. Either every row is imported or none: every
bad line is listed. FILE "-" reads stdin.

The activation codes of the assigned keys are printed on stdout as CSV
(serial,email,code), for the admin to hand out; the summary goes to stderr.`,
		Args: argsNamed("FILE"),
	}
	employees.RunE = a.action(func(_ *cobra.Command, args []string) error {
		var rows []store.EmployeeRow
		return a.importFile(args[0], model.OpImportEmployees, func(r io.Reader) (err error) {
			rows, err = store.ParseEmployeesCSV(a.ctx, r)
			return err
		}, func(st *store.Store) error {
			handouts, err := st.ImportEmployees(a.actor(), rows)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.env.Stderr, "imported %d %s, %d with a key\n", len(rows), plural(len(rows), "employee", "employees"), len(handouts))
			if len(handouts) == 0 {
				return nil
			}
			return writeHandouts(a.env.Stdout, handouts)
		})
	})

	return a.group("import", "Import keys or employees from a CSV file", keys, employees)
}

// importFile reads an import file with parse, then stores what it read.
// Inside keydesk serve the database is shared: one import at a time runs
// on it, and its claim is taken before the file is read, since reading
// is what holds memory. A local keydesk opens the file only after reading
// it, as the only program on it.
func (a *app) importFile(name string, op model.Operation, parse func(io.Reader) error, save func(*store.Store) error) error {
	if shared := a.env.Store; shared != nil {
		done, err := shared.BeginImport(a.actor(), op)
		if err != nil {
			return err
		}
		defer done()
	}
	if err := a.readInput(name, parse); err != nil {
		return err
	}
	if a.ctx.Err() != nil {
		return store.ErrImportStopped // the admin went away: nobody would see the result
	}
	return a.withStore(mayCreate, save)
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

// readInput hands a file, or stdin for "-", to read. Inside keydesk serve
// only stdin is read: a file name would name a file on the server, which
// an admin connected over SSH has no business reading.
func (a *app) readInput(name string, read func(io.Reader) error) error {
	if name == "-" {
		return readAtMost("stdin", a.env.Stdin, read)
	}
	if a.env.Store != nil {
		return errors.New("here the file must come on stdin: give - as FILE and send the file as input")
	}
	f, err := os.Open(name)
	if err != nil {
		return fileError("cannot read", name, err)
	}
	defer f.Close()
	return readAtMost(name, f, read)
}

// maxImport bounds what an import reads, over SSH an endless input
// included. A file is parsed as it comes, but its rows are held until
// the one transaction that writes them all (all or none): what bounds
// them is this and the store's row limit (MaxImportRows), which a
// realistic file of a million employees (84 MiB) is well within.
const maxImport = 256 << 20

func readAtMost(name string, r io.Reader, read func(io.Reader) error) error {
	limited := &io.LimitedReader{R: r, N: maxImport + 1}
	err := read(limited)
	if limited.N == 0 {
		return fmt.Errorf("%s is larger than %d MiB: split it into smaller files", model.Printable(name), maxImport>>20)
	}
	return err
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
