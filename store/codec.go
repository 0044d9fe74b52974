package store

import (
	"encoding/binary"
	"errors"
	"time"

	"github.com/keydesk/keydesk/model"
)

// Records are stored in a small binary form: a format byte, then fields as
// uvarints and length-prefixed strings. It decodes several times faster
// than JSON, which is what keeps loading 200,000 records for a screen
// within budget.
const recordFormat = 1

var errCorrupt = errors.New("a record in the database is damaged")

type encoder struct{ buf []byte }

func newEncoder() *encoder { return &encoder{buf: []byte{recordFormat}} }

func (e *encoder) uint(v uint64) { e.buf = binary.AppendUvarint(e.buf, v) }
func (e *encoder) int(v int64)   { e.buf = binary.AppendVarint(e.buf, v) }
func (e *encoder) str(s string)  { e.uint(uint64(len(s))); e.buf = append(e.buf, s...) }
func (e *encoder) time(t time.Time) {
	if t.IsZero() {
		e.int(0)
		return
	}
	e.int(t.UnixNano())
}

type decoder struct {
	buf []byte
	err error
}

func newDecoder(b []byte) *decoder {
	if len(b) == 0 || b[0] != recordFormat {
		return &decoder{err: errCorrupt}
	}
	return &decoder{buf: b[1:]}
}

func (d *decoder) uint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.buf)
	if n <= 0 {
		d.err = errCorrupt
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

func (d *decoder) int() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.buf)
	if n <= 0 {
		d.err = errCorrupt
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

// str copies the bytes: bbolt's memory is only valid inside the
// transaction.
func (d *decoder) str() string {
	n := d.uint()
	if d.err != nil {
		return ""
	}
	if n > uint64(len(d.buf)) {
		d.err = errCorrupt
		return ""
	}
	s := string(d.buf[:n])
	d.buf = d.buf[n:]
	return s
}

func (d *decoder) time() time.Time {
	v := d.int()
	if v == 0 {
		return time.Time{}
	}
	return time.Unix(0, v).UTC()
}

func encodeKey(k model.Key) []byte {
	e := newEncoder()
	e.uint(k.ID)
	e.str(k.Serial)
	e.str(k.MAC)
	e.str(k.Model)
	e.str(k.Firmware)
	e.str(k.RFID)
	e.uint(uint64(k.Status))
	e.uint(uint64(k.Reason))
	e.str(k.Note)
	e.uint(k.EmployeeID)
	e.time(k.ImportedAt)
	e.time(k.UpdatedAt)
	e.uint(k.Rev)
	return e.buf
}

func decodeKey(b []byte) (model.Key, error) {
	d := newDecoder(b)
	k := model.Key{
		ID: d.uint(), Serial: d.str(), MAC: d.str(), Model: d.str(), Firmware: d.str(), RFID: d.str(),
		Status: model.Status(d.uint()), Reason: model.Reason(d.uint()), Note: d.str(),
		EmployeeID: d.uint(), ImportedAt: d.time(), UpdatedAt: d.time(), Rev: d.uint(),
	}
	if d.err == nil && (!k.Status.Valid() || !k.Reason.Valid()) {
		d.err = errCorrupt
	}
	return k, d.err
}

func encodeCode(c model.ActivationCode) []byte {
	e := newEncoder()
	e.str(c.Digits)
	e.time(c.IssuedAt)
	e.time(c.ExpiresAt)
	e.uint(uint64(c.Failures))
	return e.buf
}

func decodeCode(b []byte) (model.ActivationCode, error) {
	d := newDecoder(b)
	c := model.ActivationCode{Digits: d.str(), IssuedAt: d.time(), ExpiresAt: d.time(), Failures: int(d.uint())}
	return c, d.err
}

func encodeEmployee(p model.Employee) []byte {
	e := newEncoder()
	e.uint(p.ID)
	e.str(p.FirstName)
	e.str(p.LastName)
	e.str(p.Email)
	e.str(p.Phone)
	e.str(p.Department)
	e.str(p.Position)
	e.uint(p.KeyID)
	e.time(p.CreatedAt)
	e.time(p.UpdatedAt)
	e.uint(p.Rev)
	return e.buf
}

func decodeEmployee(b []byte) (model.Employee, error) {
	d := newDecoder(b)
	p := model.Employee{
		ID: d.uint(), FirstName: d.str(), LastName: d.str(), Email: d.str(), Phone: d.str(),
		Department: d.str(), Position: d.str(), KeyID: d.uint(), CreatedAt: d.time(), UpdatedAt: d.time(), Rev: d.uint(),
	}
	return p, d.err
}

func encodeAudit(a model.AuditEntry) []byte {
	e := newEncoder()
	e.uint(a.Seq)
	e.time(a.Time)
	e.str(a.Actor)
	e.str(string(a.Action))
	e.str(a.Target)
	e.uint(uint64(a.From))
	e.uint(uint64(a.To))
	e.uint(uint64(a.Reason))
	e.str(a.Note)
	e.uint(a.KeyID)
	e.uint(a.EmployeeID)
	e.str(a.PrevHash)
	e.str(a.Hash)
	return e.buf
}

func decodeAudit(b []byte) (model.AuditEntry, error) {
	d := newDecoder(b)
	a := model.AuditEntry{
		Seq: d.uint(), Time: d.time(), Actor: d.str(), Action: model.Action(d.str()), Target: d.str(),
		From: model.Status(d.uint()), To: model.Status(d.uint()), Reason: model.Reason(d.uint()), Note: d.str(),
		KeyID: d.uint(), EmployeeID: d.uint(), PrevHash: d.str(), Hash: d.str(),
	}
	return a, d.err
}

func itob(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

func btoi(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}
