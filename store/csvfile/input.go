package csvfile

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
)

// What one line of an import file may hold, whatever the file's size. No
// column keydesk imports holds more than 254 characters, 1016 bytes at
// most in UTF-8: a longer field is refused. A line (one CSV record, which
// may go on over several lines inside quotes) of a few fields is a few
// hundred bytes: one longer than MaxLine is no import file, and
// reading stops there rather than hold it in memory.
const (
	MaxField = 1 << 10
	MaxLine  = 64 << 10
)

// csvInput is what encoding/csv reads: the import file with its line ends
// made '\n' (CR LF from Windows, a CR alone from old spreadsheets), cut
// off at the first line longer than MaxLine, and read only while
// ctx lasts (over SSH, while the admin who sent the file is connected).
type csvInput struct {
	ctx context.Context
	src *bufio.Reader
	err error // sticky: a line too long, or ctx ended

	line       int // the line being read, from 1
	recordLine int // the line the current record began on
	recordLen  int // bytes of the current record so far
	state      csvState
}

// csvState follows the quotes as encoding/csv does, to know whether a
// line end ends the record or is inside a quoted field.
type csvState uint8

const (
	atFieldStart  csvState = iota
	inField                // unquoted; a quote here is an error encoding/csv reports
	inQuotes               // a quoted field
	quoteInQuotes          // a quote inside quotes: the end of the field, or the first of ""
)

// errLineTooLong stops reading at a line longer than MaxLine.
type errLineTooLong struct{ line int }

func (e *errLineTooLong) Error() string {
	return fmt.Sprintf("line %d is longer than %d KiB", e.line, MaxLine>>10)
}

func newCSVInput(ctx context.Context, r io.Reader) *csvInput {
	return &csvInput{ctx: ctx, src: bufio.NewReader(r), line: 1, recordLine: 1}
}

// skipBOM drops the byte order mark that Excel and PowerShell write first:
// left in, it makes a quoted first column a CSV error.
func (in *csvInput) skipBOM() {
	if b, err := in.src.Peek(3); err == nil && string(b) == "\ufeff" {
		in.src.Discard(3)
	}
}

func (in *csvInput) Read(p []byte) (int, error) {
	if in.err != nil {
		return 0, in.err
	}
	if err := in.ctx.Err(); err != nil {
		in.err = err
		return 0, err
	}
	n, err := in.src.Read(p)
	n = in.lineEndsToLF(p[:n])
	if cut, tooLong := in.follow(p[:n]); tooLong {
		in.err = &errLineTooLong{line: in.recordLine}
		return cut, nil // the records before are read; the error comes next
	}
	return n, err
}

// lineEndsToLF rewrites p in place, CR LF as LF and a CR alone as LF, and
// returns its new length.
func (in *csvInput) lineEndsToLF(p []byte) int {
	r := bytes.IndexByte(p, '\r')
	if r < 0 {
		return len(p)
	}
	w := r
	for r < len(p) { // p[r] is a CR
		if !in.lineFeedAfter(p[r+1:]) {
			p[w] = '\n'
			w++
		}
		r++
		end := len(p)
		if next := bytes.IndexByte(p[r:], '\r'); next >= 0 {
			end = r + next
		}
		w += copy(p[w:], p[r:end])
		r = end
	}
	return w
}

// lineFeedAfter reports whether the byte after a CR is a LF: the next in
// this read, or else the next the file holds.
func (in *csvInput) lineFeedAfter(rest []byte) bool {
	if len(rest) > 0 {
		return rest[0] == '\n'
	}
	next, err := in.src.Peek(1)
	return err == nil && next[0] == '\n'
}

// follow counts the lines and records of p, a line at a time. If a record
// grows past MaxLine, it returns where in p that record's line
// began.
func (in *csvInput) follow(p []byte) (cut int, tooLong bool) {
	for i := 0; i < len(p); {
		end := len(p)
		nl := bytes.IndexByte(p[i:], '\n')
		if nl >= 0 {
			end = i + nl
		}
		if in.recordLen+end-i > MaxLine {
			return i, true
		}
		in.recordLen += end - i
		in.followQuotes(p[i:end])
		if nl < 0 {
			break
		}
		in.line++
		if in.state == inQuotes {
			in.recordLen++ // the line end is inside a quoted field
		} else {
			in.state = atFieldStart
			in.recordLine, in.recordLen = in.line, 0
		}
		i = end + 1
	}
	return 0, false
}

// followQuotes moves the state over part of a line, from quote to quote:
// between two, only the last byte (a comma or not) matters.
func (in *csvInput) followQuotes(part []byte) {
	for len(part) > 0 {
		q := bytes.IndexByte(part, '"')
		if in.state == inQuotes {
			if q < 0 {
				return
			}
			in.state = quoteInQuotes // the field's end, or the first of ""
			part = part[q+1:]
			continue
		}
		before := part
		if q >= 0 {
			before = part[:q]
		}
		if len(before) > 0 {
			in.state = inField
			if before[len(before)-1] == ',' {
				in.state = atFieldStart
			}
		}
		if q < 0 {
			return
		}
		switch in.state {
		case atFieldStart:
			in.state = inQuotes
		case quoteInQuotes:
			in.state = inQuotes // "" is a quote inside the field
		default:
			// A quote inside an unquoted field, or text after a closing
			// quote: encoding/csv reports the line and goes on after it.
			in.state = inField
		}
		part = part[q+1:]
	}
}
