// Package csvfile reads keydesk's import files: CSV with a header, keys
// or employees, every bad line listed, within bounds of size and count.
package csvfile

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/keydesk/keydesk/model"
)

// RowError is one bad line of an import file.
type RowError struct {
	Line int // 1 is the header
	Msg  string
}

// MaxListedProblems is how many bad lines an import lists: past a hundred,
// the admin has the wrong file or a broken export, and a list of every
// line of a big file would only bury the first ones.
const MaxListedProblems = 100

// ImportError lists the first bad lines of an import (at most
// MaxListedProblems) and counts the others; nothing was stored.
type ImportError struct {
	Rows []RowError
	More int // problems past Rows, counted but not listed
}

// Problems is how many problems the import found, listed or not.
func (e *ImportError) Problems() int { return len(e.Rows) + e.More }

func (e *ImportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "nothing imported: %d %s", e.Problems(), plural(e.Problems(), "problem", "problems"))
	for _, r := range e.Rows {
		if r.Line > 0 {
			fmt.Fprintf(&b, "\nline %d: %s", r.Line, r.Msg)
		} else {
			fmt.Fprintf(&b, "\n%s", r.Msg)
		}
	}
	if e.More > 0 {
		fmt.Fprintf(&b, "\n%s", e.MoreLine())
	}
	return b.String()
}

// MoreLine is the last line of the list when some problems are not in it.
func (e *ImportError) MoreLine() string {
	return fmt.Sprintf("... and %d more", e.More)
}

// BadRows collects an import's bad lines, in the order of the file.
type BadRows struct{ list ImportError }

// Add notes a problem of a line (0: of the whole file).
func (p *BadRows) Add(line int, msg string) {
	if len(p.list.Rows) < MaxListedProblems {
		p.list.Rows = append(p.list.Rows, RowError{Line: line, Msg: msg})
	} else {
		p.list.More++
	}
}

// Found reports whether there is a problem.
func (p *BadRows) Found() bool { return p.list.Problems() > 0 }

// Err is the *ImportError, or nil when there is no problem.
func (p *BadRows) Err() error {
	if !p.Found() {
		return nil
	}
	list := p.list
	return &list
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// KeyRow is one line of a keys import file. Profile names the key's
// access profile ("": Default); LicenceUntil is its licence end date as
// YYYY-MM-DD ("": none).
type KeyRow struct {
	Line int
	model.KeyInput
	Profile      string
	LicenceUntil string
}

// keyDerivedColumns are the columns a keys export writes that an import
// reads and ignores: a key joins the stock Ready (T1), whatever its
// status was where it was exported.
var keyDerivedColumns = []string{"status", "reason", "note", "employee_email", "licence_status", "last_holder"}

// EmployeeRow is one line of an employees import file; KeySerial, when set,
// is assigned in the same transaction.
type EmployeeRow struct {
	Line int
	model.EmployeeInput
	KeySerial string
	// Status is "active", "left" or "" (active); LeftAt (RFC 3339 or
	// YYYY-MM-DD) and LeftReason go with left, as an export writes them.
	Status, LeftAt, LeftReason string
}

var (
	keyColumns      = append([]string{"serial", "mac", "model", "firmware", "rfid", "profile", "licence_until"}, keyDerivedColumns...)
	employeeColumns = []string{"first_name", "last_name", "email", "phone", "department", "position", "company", "key",
		"key_serial", "external_id", "status", "left_at", "left_reason"}
)

// The columns of the two files, by their place in keyColumns and
// employeeColumns.
const (
	colSerial = iota
	colMAC
	colModel
	colFirmware
	colRFID
	colProfile
	colLicenceUntil
)

const (
	colFirstName = iota
	colLastName
	colEmail
	colPhone
	colDepartment
	colPosition
	colCompany
	colKey
	colKeySerial // what export employees calls the key column
	colExternalID
	colStatus
	colLeftAt
	colLeftReason
)

// ParseKeys reads a keys file (header serial,mac,model,firmware,rfid
// [,profile][,licence_until]; columns in any order, only serial
// required). It stops when ctx ends.
func ParseKeys(ctx context.Context, r io.Reader) ([]KeyRow, error) {
	var rows chunked[KeyRow]
	err := parseCSV(ctx, r, keyColumns, []string{"serial"}, func(line int, f []string) {
		rows.add(KeyRow{Line: line, KeyInput: model.KeyInput{
			Serial: f[colSerial], MAC: f[colMAC], Model: f[colModel], Firmware: f[colFirmware], RFID: f[colRFID],
		}, Profile: f[colProfile], LicenceUntil: f[colLicenceUntil]})
	})
	return rows.all(), err
}

// ParseEmployees reads an employees file (header first_name,last_name,
// email,phone,department,position[,company][,key] and what export
// employees writes: key_serial, external_id, status, left_at,
// left_reason). It stops when ctx ends.
func ParseEmployees(ctx context.Context, r io.Reader) ([]EmployeeRow, error) {
	var rows chunked[EmployeeRow]
	err := parseCSV(ctx, r, employeeColumns, []string{"first_name", "email"}, func(line int, f []string) {
		key := strings.TrimSpace(f[colKey])
		if key == "" {
			key = strings.TrimSpace(f[colKeySerial])
		}
		rows.add(EmployeeRow{Line: line, KeySerial: key, EmployeeInput: model.EmployeeInput{
			FirstName: f[colFirstName], LastName: f[colLastName], Email: f[colEmail],
			Phone: f[colPhone], Department: f[colDepartment], Position: f[colPosition],
			Company: f[colCompany], ExternalID: f[colExternalID],
		}, Status: f[colStatus], LeftAt: f[colLeftAt], LeftReason: f[colLeftReason]})
	})
	return rows.all(), err
}

// chunked collects rows in chunks and joins them once at the end:
// appending to one slice copied a file of 100,000 rows several times over
// as it grew.
type chunked[T any] struct {
	full [][]T
	cur  []T
}

func (c *chunked[T]) add(row T) {
	if len(c.cur) == cap(c.cur) {
		if c.cur != nil {
			c.full = append(c.full, c.cur)
		}
		c.cur = make([]T, 0, 4096)
	}
	c.cur = append(c.cur, row)
}

// all is every row added, in order; nil when there is none.
func (c *chunked[T]) all() []T {
	return slices.Concat(append(c.full, c.cur)...)
}

// ErrStopped is returned when the context of a parse ended before
// the end of the file: the admin who sent it went away, or the program
// was stopped.
var ErrStopped = errors.New("the import stopped before the end of the file: nothing imported")

// parseCSV hands each good row to row, in the order of the file, with its
// fields in the order of known ("" for a column the file does not have);
// row must not keep the slice. Once a problem is found the import is
// refused: the rest of the file is only checked, to count its problems,
// and no more rows are kept.
func parseCSV(ctx context.Context, r io.Reader, known, required []string, row func(line int, fields []string)) error {
	in := newCSVInput(ctx, r)
	in.skipBOM()
	cr := csv.NewReader(in)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	var bad BadRows
	header, err := cr.Read()
	if err == io.EOF {
		return &ImportError{Rows: []RowError{{Line: 1, Msg: "the file is empty: the first line must be the header " + strings.Join(known, ",")}}}
	}
	if err != nil {
		return cannotReadOn(err, &bad)
	}
	index := map[string]int{}
	names := make([]string, len(header)) // for messages about a field
	for i, name := range header {
		if len(name) > MaxField {
			bad.Add(1, fmt.Sprintf("column %d of the header is longer than %d KiB", i+1, MaxField>>10))
			continue
		}
		name = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(name, "\ufeff")))
		names[i] = name
		if name == "" {
			names[i] = fmt.Sprintf("column %d", i+1)
			continue // spreadsheets write empty columns after the last one
		}
		if !contains(known, name) {
			bad.Add(1, fmt.Sprintf("unknown column %q (the columns are %s)", model.Printable(name), strings.Join(known, ",")))
			continue
		}
		if _, dup := index[name]; dup {
			bad.Add(1, fmt.Sprintf("column %q appears twice", name))
		}
		index[name] = i
	}
	for _, name := range required {
		if _, ok := index[name]; !ok {
			bad.Add(1, fmt.Sprintf("the header has no %q column", name))
		}
	}
	if bad.Found() {
		return bad.Err()
	}
	at := make([]int, len(known)) // where each known column is in a record, -1 when absent
	for k, name := range known {
		at[k] = -1
		if i, ok := index[name]; ok {
			at[k] = i
		}
	}
	fields := make([]string, len(known))
	rows := 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return cannotReadOn(err, &bad)
			}
			bad.Add(pe.Line, csvMessage(err))
			continue // encoding/csv goes on at the next line
		}
		line, _ := cr.FieldPos(0)
		if rows++; rows > MaxRows {
			return &ImportError{Rows: []RowError{{Line: line, Msg: fmt.Sprintf("the file has more than %d rows: split it into smaller files", MaxRows)}}}
		}
		if blankRecord(rec) {
			continue // a blank line, or a spreadsheet's row of empty cells
		}
		// Every problem of the line is listed: its count of fields, and
		// each field too long.
		problems := false
		if len(rec) != len(header) {
			bad.Add(line, fmt.Sprintf("has %d fields, the header has %d", len(rec), len(header)))
			problems = true
		}
		for i, f := range rec {
			if len(f) > MaxField {
				name := fmt.Sprintf("column %d", i+1)
				if i < len(names) {
					name = names[i]
				}
				bad.Add(line, fmt.Sprintf("%s is longer than %d KiB", name, MaxField>>10))
				problems = true
			}
		}
		if problems {
			continue
		}
		if bad.Found() {
			continue
		}
		for k, i := range at {
			fields[k] = ""
			if i >= 0 {
				fields[k] = model.UndoFormulaPrefix(rec[i])
			}
		}
		row(line, fields)
	}
	return bad.Err()
}

// cannotReadOn is the error that ends a parse where the input cannot be
// read on: a line too long (listed after the problems found before it),
// the context's end, a CSV error in the header, or a failing read.
func cannotReadOn(err error, bad *BadRows) error {
	var long *errLineTooLong
	var pe *csv.ParseError
	switch {
	case errors.As(err, &long):
		bad.Add(long.line, fmt.Sprintf("longer than %d KiB: the rest of the file was not read", MaxLine>>10))
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return ErrStopped
	case errors.As(err, &pe):
		bad.Add(pe.Line, csvMessage(err))
	default:
		bad.Add(0, csvMessage(err))
	}
	return bad.Err()
}

func csvMessage(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return "not valid CSV: " + pe.Err.Error()
	}
	return "cannot read the file: " + err.Error()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// MaxRows bounds one import: all its rows are held in memory and
// written in one transaction.
const MaxRows = 1_000_000

func blankRecord(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}
