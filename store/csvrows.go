package store

import (
	"context"
	"io"

	"github.com/keydesk/keydesk/store/csvfile"
)

// What the faces see of the import files, read by store/csvfile.
type (
	// KeyRow is one line of a keys import file.
	KeyRow = csvfile.KeyRow
	// EmployeeRow is one line of an employees import file.
	EmployeeRow = csvfile.EmployeeRow
	// ImportError lists the bad lines of an import; nothing was stored.
	ImportError = csvfile.ImportError
	// RowError is one bad line of an import file.
	RowError = csvfile.RowError
)

// The bounds of one import.
const (
	MaxImportLine     = csvfile.MaxLine
	MaxListedProblems = csvfile.MaxListedProblems
)

// ErrImportStopped is an import whose context ended before the end of
// its file: nothing was imported.
var ErrImportStopped = csvfile.ErrStopped

// ParseKeysCSV reads a keys file; see csvfile.ParseKeys.
func ParseKeysCSV(ctx context.Context, r io.Reader) ([]KeyRow, error) {
	return csvfile.ParseKeys(ctx, r)
}

// ParseEmployeesCSV reads an employees file; see csvfile.ParseEmployees.
func ParseEmployeesCSV(ctx context.Context, r io.Reader) ([]EmployeeRow, error) {
	return csvfile.ParseEmployees(ctx, r)
}
