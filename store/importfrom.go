package store

import (
	"context"
	"fmt"
	"io"

	"github.com/keydesk/keydesk/model"
)

// Importing from a reader is one store operation: claim the database's
// import, read at most MaxImportBytes, parse, store all rows or none. The
// faces only find the input (a file, stdin over SSH).

// MaxImportBytes bounds what an import reads, over SSH an endless input
// included. A file is parsed as it comes, but its rows are held until
// they are all written (all or none; a keys file compactly, see
// csvfile.KeyTable): what bounds them is this and the row limit
// (csvfile.MaxRows), which a realistic file of a million employees (84 MiB)
// is well within.
const MaxImportBytes = 256 << 20

// ImportTooLargeError is an import input longer than MaxImportBytes.
type ImportTooLargeError struct{ Name string }

func (e *ImportTooLargeError) Error() string {
	return fmt.Sprintf("%s is larger than %d MiB: split it into smaller files", model.Printable(e.Name), MaxImportBytes>>20)
}

// readAtMost runs parse on at most MaxImportBytes of r, named name in
// what it says.
func readAtMost[T any](name string, r io.Reader, parse func(io.Reader) (T, error)) (T, error) {
	defer lowerGC(importGCPercent)() // gcpercent.go
	limited := &io.LimitedReader{R: r, N: MaxImportBytes + 1}
	out, err := parse(limited)
	if limited.N == 0 { // the byte past the limit was read
		var none T
		return none, &ImportTooLargeError{Name: name}
	}
	return out, err
}

// ReadKeys parses a keys CSV input of at most MaxImportBytes, without
// storing it (a local import reads its file before it opens the database).
func ReadKeys(ctx context.Context, name string, r io.Reader) ([]KeyRow, error) {
	return readAtMost(name, r, func(r io.Reader) ([]KeyRow, error) { return ParseKeysCSV(ctx, r) })
}

// ReadEmployees is ReadKeys for an employees CSV input.
func ReadEmployees(ctx context.Context, name string, r io.Reader) ([]EmployeeRow, error) {
	return readAtMost(name, r, func(r io.Reader) ([]EmployeeRow, error) { return ParseEmployeesCSV(ctx, r) })
}

// ImportKeysFrom imports the keys CSV read from r (named name in what it
// says) while holding the database's import claim, taken before reading
// since reading is what holds memory; it returns how many keys it added.
func (s *Store) ImportKeysFrom(ctx context.Context, who model.Actor, name string, r io.Reader) (int, error) {
	done, err := s.BeginImport(who, model.OpImportKeys)
	if err != nil {
		return 0, err
	}
	defer done()
	rows, err := ReadKeyFile(ctx, name, r)
	if err != nil {
		return 0, err
	}
	if ctx.Err() != nil {
		return 0, ErrImportStopped // the admin went away: nobody would see the result
	}
	return s.ImportKeyFile(who, rows)
}

// ImportEmployeesFrom is ImportKeysFrom for employees: it returns how
// many were added and the codes of the keys assigned.
func (s *Store) ImportEmployeesFrom(ctx context.Context, who model.Actor, name string, r io.Reader) (int, []Handout, error) {
	done, err := s.BeginImport(who, model.OpImportEmployees)
	if err != nil {
		return 0, nil, err
	}
	defer done()
	rows, err := ReadEmployees(ctx, name, r)
	if err != nil {
		return 0, nil, err
	}
	if ctx.Err() != nil {
		return 0, nil, ErrImportStopped
	}
	handouts, err := s.ImportEmployees(who, rows)
	return len(rows), handouts, err
}
