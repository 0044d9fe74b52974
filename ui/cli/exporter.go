package cli

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"github.com/keydesk/keydesk/model"
)

// record is one row of an export: JSON from its struct tags, CSV from
// its values in column order.
type record interface {
	values() []string
}

// exporter writes records one at a time, so that a long audit trail is
// never held in memory.
type exporter struct {
	w       io.Writer
	csv     *csv.Writer // nil for JSON
	columns []string
	n       int
	buf     bytes.Buffer
	enc     *json.Encoder
}

func newExporter(w io.Writer, format string, columns []string) *exporter {
	e := &exporter{w: w, columns: columns}
	if format == "csv" {
		e.csv = csv.NewWriter(w)
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
		return e.csv.Write(printableValues(r.values()))
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
	_, err := e.w.Write(e.buf.Bytes())
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

// printableValues neutralises control characters in CSV fields. JSON
// escapes them itself, but a CSV file is often looked at with cat or less,
// where an escape sequence in a field would act on the terminal. The model
// refuses such characters on input, so this changes nothing in a healthy
// database; it guards against one written by something else.
func printableValues(values []string) []string {
	for i, v := range values {
		values[i] = model.Printable(v)
	}
	return values
}

func formatUint(n uint64) string { return strconv.FormatUint(n, 10) }

func joinWords(words []string) string { return strings.Join(words, ", ") }
