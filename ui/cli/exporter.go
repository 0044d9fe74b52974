package cli

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/keydesk/keydesk/model"
)

// record is one row of an export: JSON from its struct tags, CSV from
// its values in column order.
type record interface {
	appendValues(dst []string) []string
}

// exporter writes records one at a time, so that a long audit trail is
// never held in memory.
type exporter struct {
	w       io.Writer
	csv     *csv.Writer // nil for JSON
	columns []string
	n       int
	cells   []string // one CSV line's, reused
	buf     bytes.Buffer
	enc     *json.Encoder
}

func newExporter(w io.Writer, format string, columns []string) *exporter {
	e := &exporter{w: w, columns: columns}
	if format == "csv" {
		// csv.Writer buffers 4 KiB: a million lines would be 15,000
		// writes; one buffer of 64 KiB is under it (it takes a
		// *bufio.Writer as it is), and finish flushes it.
		e.csv = csv.NewWriter(bufio.NewWriterSize(w, 64<<10))
		return e
	}
	e.enc = json.NewEncoder(&e.buf)
	e.enc.SetEscapeHTML(false) // data for programs, not for a web page: keep <a@b> readable
	return e
}

func (e *exporter) add(r record) error {
	if e.csv != nil {
		if e.n == 0 {
			e.csv.Write(e.columns)
		}
		e.n++
		e.cells = r.appendValues(e.cells[:0])
		return e.csv.Write(printableValues(e.cells))
	}
	e.buf.Reset()
	if e.n == 0 {
		e.buf.WriteString("[\n")
	} else {
		e.buf.WriteString(",\n")
	}
	e.n++
	if err := e.enc.Encode(r); err != nil {
		return err
	}
	e.buf.Truncate(e.buf.Len() - 1) // Encode's newline: the comma goes first
	_, err := e.w.Write(escapeUnsafeRunes(e.buf.Bytes()))
	return err
}

func (e *exporter) finish() error {
	if e.csv != nil {
		if e.n == 0 {
			e.csv.Write(e.columns)
		}
		e.csv.Flush()
		return e.csv.Error()
	}
	end := "\n]\n"
	if e.n == 0 {
		end = "[]\n"
	}
	_, err := io.WriteString(e.w, end)
	return err
}

// printableValues makes CSV cells safe for the programs that open them.
// Control characters are made visible: a CSV file is often looked at with
// cat or less, where an escape sequence in a field would act on the
// terminal (the model refuses them on input, so this guards against a
// database written by something else). And a cell that a spreadsheet
// would take for a formula gets a leading ' (see csvCell).
func printableValues(values []string) []string {
	for i, v := range values {
		values[i] = csvCell(v)
	}
	return values
}

// csvCell is one CSV value as written: a cell a spreadsheet would take
// for a formula gets a leading ' (model.NeedsFormulaPrefix), which an
// import takes off again (model.UndoFormulaPrefix).
func csvCell(v string) string {
	if plainCell(v) {
		return v
	}
	p := model.Printable(v)
	if model.NeedsFormulaPrefix(v) {
		return "'" + p
	}
	return p
}

// plainCell says v is printable ASCII that no spreadsheet takes for a
// formula: written as it is (most cells of an export; Printable and the
// formula check would return it unchanged).
func plainCell(v string) bool {
	if model.NeedsFormulaPrefix(v) {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < 0x20 || v[i] >= 0x7f {
			return false
		}
	}
	return true
}

// escapeUnsafeRunes writes the runes that model.UnsafeRune names and that
// encoding/json leaves raw (C1 controls, DEL, bidi overrides and marks)
// as \uXXXX. The JSON stays exact, a program reading it gets the same
// strings, but a terminal or editor showing the file neither obeys a C1
// control nor reorders the text around a bidi override. Such runes can
// only be inside strings: the field names are ASCII.
func escapeUnsafeRunes(encoded []byte) []byte {
	i := 0
	for i < len(encoded) && encoded[i] < 0x7f {
		i++
	}
	if i == len(encoded) {
		return encoded // plain ASCII: nothing to do
	}
	out := make([]byte, 0, len(encoded)+16)
	out = append(out, encoded[:i]...)
	for i < len(encoded) {
		r, size := utf8.DecodeRune(encoded[i:])
		if r >= 0x7f && model.UnsafeRune(r) {
			out = fmt.Appendf(out, `\u%04x`, r)
		} else {
			out = append(out, encoded[i:i+size]...)
		}
		i += size
	}
	return out
}

func formatUint(n uint64) string { return strconv.FormatUint(n, 10) }

func joinWords(words []string) string { return strings.Join(words, ", ") }
