package store

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/keydesk/keydesk/model"
)

// RowError is one bad line of an import file.
type RowError struct {
	Line int // 1 is the header
	Msg  string
}

// ImportError lists every bad line of an import; nothing was stored.
type ImportError struct {
	Rows []RowError
}

func (e *ImportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "nothing imported: %d %s", len(e.Rows), plural(len(e.Rows), "problem", "problems"))
	for _, r := range e.Rows {
		if r.Line > 0 {
			fmt.Fprintf(&b, "\nline %d: %s", r.Line, r.Msg)
		} else {
			fmt.Fprintf(&b, "\n%s", r.Msg)
		}
	}
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// KeyRow is one line of a keys import file.
type KeyRow struct {
	Line int
	model.KeyInput
}

// EmployeeRow is one line of an employees import file; KeySerial, when set,
// is assigned in the same transaction.
type EmployeeRow struct {
	Line int
	model.EmployeeInput
	KeySerial string
}

var (
	keyColumns      = []string{"serial", "mac", "model", "firmware", "rfid"}
	employeeColumns = []string{"first_name", "last_name", "email", "phone", "department", "position", "key"}
)

// ParseKeysCSV reads a keys file (header serial,mac,model,firmware,rfid;
// columns in any order, only serial required).
func ParseKeysCSV(r io.Reader) ([]KeyRow, error) {
	var rows []KeyRow
	err := parseCSV(r, keyColumns, []string{"serial"}, func(line int, get func(string) string) {
		rows = append(rows, KeyRow{Line: line, KeyInput: model.KeyInput{
			Serial: get("serial"), MAC: get("mac"), Model: get("model"), Firmware: get("firmware"), RFID: get("rfid"),
		}})
	})
	return rows, err
}

// ParseEmployeesCSV reads an employees file (header first_name,last_name,
// email,phone,department,position[,key]).
func ParseEmployeesCSV(r io.Reader) ([]EmployeeRow, error) {
	var rows []EmployeeRow
	err := parseCSV(r, employeeColumns, []string{"first_name", "email"}, func(line int, get func(string) string) {
		rows = append(rows, EmployeeRow{Line: line, KeySerial: strings.TrimSpace(get("key")), EmployeeInput: model.EmployeeInput{
			FirstName: get("first_name"), LastName: get("last_name"), Email: get("email"),
			Phone: get("phone"), Department: get("department"), Position: get("position"),
		}})
	})
	return rows, err
}

func parseCSV(r io.Reader, known, required []string, row func(line int, get func(string) string)) error {
	cr := csv.NewReader(skipBOM(r))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return &ImportError{Rows: []RowError{{Line: 1, Msg: "the file is empty: the first line must be the header " + strings.Join(known, ",")}}}
	}
	if err != nil {
		return &ImportError{Rows: []RowError{{Line: 1, Msg: csvMessage(err)}}}
	}
	index := map[string]int{}
	var problems []RowError
	for i, name := range header {
		name = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(name, "\ufeff")))
		if name == "" {
			continue // spreadsheets write empty columns after the last one
		}
		if !contains(known, name) {
			problems = append(problems, RowError{Line: 1, Msg: fmt.Sprintf("unknown column %q (the columns are %s)", model.Printable(name), strings.Join(known, ","))})
			continue
		}
		if _, dup := index[name]; dup {
			problems = append(problems, RowError{Line: 1, Msg: fmt.Sprintf("column %q appears twice", name)})
		}
		index[name] = i
	}
	for _, name := range required {
		if _, ok := index[name]; !ok {
			problems = append(problems, RowError{Line: 1, Msg: fmt.Sprintf("the header has no %q column", name)})
		}
	}
	if len(problems) > 0 {
		return &ImportError{Rows: problems}
	}
	rows := 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			// FieldPos is only valid for a record that was read whole.
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			problems = append(problems, RowError{Line: line, Msg: csvMessage(err)})
			if pe == nil {
				break
			}
			continue
		}
		line, _ := cr.FieldPos(0)
		if rows++; rows > MaxImportRows {
			return &ImportError{Rows: []RowError{{Line: line, Msg: fmt.Sprintf("the file has more than %d rows: split it into smaller files", MaxImportRows)}}}
		}
		if blankRecord(rec) {
			continue // a blank line, or a spreadsheet's row of empty cells
		}
		if len(rec) != len(header) {
			problems = append(problems, RowError{Line: line, Msg: fmt.Sprintf("has %d fields, the header has %d", len(rec), len(header))})
			continue
		}
		row(line, func(name string) string {
			if i, ok := index[name]; ok {
				return rec[i]
			}
			return ""
		})
	}
	if len(problems) > 0 {
		return &ImportError{Rows: problems}
	}
	return nil
}

// skipBOM drops the byte order mark that Excel and PowerShell write first:
// left in, it makes a quoted first column a CSV error.
func skipBOM(r io.Reader) io.Reader {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		br.Discard(3)
	}
	return br
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

func sortRowErrors(rows []RowError) {
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Line < rows[j].Line })
}

// MaxImportRows bounds one import: all its rows are held in memory and
// written in one transaction.
const MaxImportRows = 1_000_000

func blankRecord(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}
