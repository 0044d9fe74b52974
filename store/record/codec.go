// Package record is keydesk's on-disk record format: how keys, employees,
// admins, profiles, codes and audit entries are written as bytes in the
// database file, and read back. It knows the formats this keydesk writes;
// the formats older schemas wrote are read only by the migrations
// (store/migrate).
//
// Records are stored in a small binary form: a format byte, then fields as
// uvarints and length-prefixed strings. It decodes several times faster
// than JSON, which is what keeps loading 200,000 records for a screen
// within budget.
package record

import (
	"encoding/binary"
	"errors"
	"time"
)

// The format bytes. Admins and profiles are in format 1. Codes are sealed,
// in format 2, since schema 5, and bound to their key in format 5. Keys and
// employees are in format 4 since schema 7: their history head, format 1's
// fields with the time of the last change as its distance from the first,
// and what schema 6 added (a key's profiles and licence, an employee's
// company). Audit entries are in format 3 (runs) since schema 7. The older
// formats (keys and employees in format 1 and 3, audit entries in format 1
// and 2) are read only by the migrations (store/migrate).
const (
	Format1             = 1 // admins and profiles; keys, employees and plain codes before schema 6
	AuditFormat2        = 2 // audit entries, schemas 2 to 6
	SealedCodeFormat    = 2 // codes since schema 5: the digits sealed
	EntityFormatSchema6 = 3 // keys and employees in schema 6
	AuditRunFormat      = 3 // audit entries since schema 7: runs
	EntityFormat        = 4 // keys and employees since schema 7
	BoundCodeFormat     = 5 // codes bound to their key
)

// ErrCorrupt is a value that does not decode.
var ErrCorrupt = errors.New("a record in the database is damaged")

// Encoder writes one record.
type Encoder struct{ Buf []byte }

// NewEncoder starts a record in format.
func NewEncoder(format byte) *Encoder { return &Encoder{Buf: []byte{format}} }

func (e *Encoder) Uint(v uint64)    { e.Buf = AppendUint(e.Buf, v) }
func (e *Encoder) Int(v int64)      { e.Buf = AppendInt(e.Buf, v) }
func (e *Encoder) Str(s string)     { e.Buf = AppendStr(e.Buf, s) }
func (e *Encoder) Time(t time.Time) { e.Buf = AppendTime(e.Buf, t) }
func (e *Encoder) Bytes(b []byte)   { e.Buf = append(e.Buf, b...) }

// AppendUint and the other Append functions are the encoder's fields for
// other binary forms of the same kind (a command, store/commandcodec.go).
func AppendUint(b []byte, v uint64) []byte { return binary.AppendUvarint(b, v) }
func AppendInt(b []byte, v int64) []byte   { return binary.AppendVarint(b, v) }
func AppendStr(b []byte, s string) []byte  { return append(AppendUint(b, uint64(len(s))), s...) }

// AppendTime stores a time as Unix nanoseconds, 0 for none.
func AppendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return AppendInt(b, 0)
	}
	return AppendInt(b, t.UnixNano())
}

// TimeSince stores t as its distance from base, which a record's second
// time is close to (one byte when it is the same moment). 0 is no time.
func (e *Encoder) TimeSince(t, base time.Time) {
	if t.IsZero() {
		e.Uint(0)
		return
	}
	d := t.UnixNano() - base.UnixNano()
	e.Uint(1 + uint64(d<<1^d>>63)) // zigzag: a small distance either way is short
}

// Decoder reads one record. It copies the record once into text, and
// every string field is a slice of that copy: one allocation a record
// rather than one a field, which is most of the time of loading 200,000
// records for a screen. (bbolt's memory is only valid inside the
// transaction, so the copy is needed.)
//
// A record that ends where a field would start reads that field and
// every later one as empty: records written before a field was added
// read as they are, so a new field at the end of a record needs no
// migration. A record that ends inside a field is damaged.
type Decoder struct {
	buf  []byte // the record after its format byte, in bbolt's memory
	text string // the same bytes, copied
	pos  int
	err  error
}

// NewDecoder reads b, which must be in format.
func NewDecoder(b []byte, format byte) *Decoder {
	if len(b) == 0 || b[0] != format {
		return &Decoder{err: ErrCorrupt}
	}
	return &Decoder{buf: b[1:], text: string(b[1:])}
}

// Err is the first problem met, nil when there was none.
func (d *Decoder) Err() error { return d.err }

// Fail marks the record damaged (a field read well but out of range).
func (d *Decoder) Fail() {
	if d.err == nil {
		d.err = ErrCorrupt
	}
}

// Offset is how far into the record (its format byte included) the next
// field starts.
func (d *Decoder) Offset() int { return 1 + d.pos }

// Left is how many bytes are left to read.
func (d *Decoder) Left() int { return len(d.buf) - d.pos }

// End fails the record unless it was read to its end; it returns Err.
func (d *Decoder) End() error {
	if d.err == nil && d.pos != len(d.buf) {
		d.err = ErrCorrupt
	}
	return d.err
}

func (d *Decoder) Uint() uint64 { return readNumber(d, binary.Uvarint) }
func (d *Decoder) Int() int64   { return readNumber(d, binary.Varint) }

func readNumber[T uint64 | int64](d *Decoder, read func([]byte) (T, int)) T {
	if d.err != nil || d.pos == len(d.buf) {
		return 0
	}
	v, n := read(d.buf[d.pos:])
	if n <= 0 {
		d.err = ErrCorrupt
		return 0
	}
	d.pos += n
	return v
}

func (d *Decoder) Str() string {
	n := d.Uint()
	if d.err != nil {
		return ""
	}
	if n > uint64(len(d.buf)-d.pos) {
		d.err = ErrCorrupt
		return ""
	}
	s := d.text[d.pos : d.pos+int(n)]
	d.pos += int(n)
	return s
}

// More reports whether fields follow: fields appended to a format are
// read only when present, so records written before them decode with
// those fields empty.
func (d *Decoder) More() bool { return d.err == nil && d.pos < len(d.buf) }

// Raw returns the next n bytes as they are, still in bbolt's memory.
func (d *Decoder) Raw(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n > len(d.buf)-d.pos {
		d.err = ErrCorrupt
		return nil
	}
	b := d.buf[d.pos : d.pos+n]
	d.pos += n
	return b
}

func (d *Decoder) Time() time.Time {
	v := d.Int()
	if v == 0 {
		return time.Time{}
	}
	return time.Unix(0, v).UTC()
}

func (d *Decoder) TimeSince(base time.Time) time.Time {
	v := d.Uint()
	if v == 0 {
		return time.Time{}
	}
	z := v - 1
	dist := int64(z>>1) ^ -int64(z&1)
	return time.Unix(0, base.UnixNano()+dist).UTC()
}
