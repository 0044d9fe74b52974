package store

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/keydesk/keydesk/model"
)

// Records are stored in a small binary form: a format byte, then fields as
// uvarints and length-prefixed strings. It decodes several times faster
// than JSON, which is what keeps loading 200,000 records for a screen
// within budget.
//
// Admins and profiles are in format 1. Codes are sealed, in format 2,
// since schema 5 (sealed.go). Keys and employees are in format 4 since
// schema 7: their history head (history.go), format 1's fields with the
// time of the last change as its distance from the first, and what schema
// 6 added (a key's profiles and licence, an employee's company). Audit
// entries are in format 3 (runs, auditrun.go) since schema 7. The older
// formats are read only by the migrations: keys and employees in format 1
// (schemas 1 to 5) and 3 (schema 6), audit entries in format 1 (schema 1,
// migrate_v2.go) and 2 (schemas 2 to 6).
const (
	recordFormat          = 1
	auditFormat           = 2
	sealedFormat          = 2 // codes since schema 5: the digits sealed (sealed.go)
	keyFormatSchema6      = 3 // schema 6
	employeeFormatSchema6 = 3 // schema 6
	entityFormat          = 4 // keys and employees since schema 7
)

var errCorrupt = errors.New("a record in the database is damaged")

type encoder struct{ buf []byte }

func newEncoder(format byte) *encoder { return &encoder{buf: []byte{format}} }

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

// timeSince stores t as its distance from base, which a record's second
// time is close to (one byte when it is the same moment). 0 is no time.
func (e *encoder) timeSince(t, base time.Time) {
	if t.IsZero() {
		e.uint(0)
		return
	}
	d := t.UnixNano() - base.UnixNano()
	e.uint(1 + uint64(d<<1^d>>63)) // zigzag: a small distance either way is short
}

// decoder reads one record. It copies the record once into text, and
// every string field is a slice of that copy: one allocation a record
// rather than one a field, which is most of the time of loading 200,000
// records for a screen. (bbolt's memory is only valid inside the
// transaction, so the copy is needed.)
type decoder struct {
	buf  []byte // the record after its format byte, in bbolt's memory
	text string // the same bytes, copied
	pos  int
	err  error
}

func newDecoder(b []byte, format byte) *decoder {
	if len(b) == 0 || b[0] != format {
		return &decoder{err: errCorrupt}
	}
	return &decoder{buf: b[1:], text: string(b[1:])}
}

// A record that ends where a field would start reads that field and
// every later one as empty: records written before a field was added
// read as they are, so a new field at the end of a record needs no
// migration. A record that ends inside a field is damaged.

func (d *decoder) uint() uint64 {
	if d.err != nil || d.pos == len(d.buf) {
		return 0
	}
	v, n := binary.Uvarint(d.buf[d.pos:])
	if n <= 0 {
		d.err = errCorrupt
		return 0
	}
	d.pos += n
	return v
}

func (d *decoder) int() int64 {
	if d.err != nil || d.pos == len(d.buf) {
		return 0
	}
	v, n := binary.Varint(d.buf[d.pos:])
	if n <= 0 {
		d.err = errCorrupt
		return 0
	}
	d.pos += n
	return v
}

func (d *decoder) str() string {
	n := d.uint()
	if d.err != nil {
		return ""
	}
	if n > uint64(len(d.buf)-d.pos) {
		d.err = errCorrupt
		return ""
	}
	s := d.text[d.pos : d.pos+int(n)]
	d.pos += int(n)
	return s
}

// more reports whether fields follow: fields appended to a format are
// read only when present, so records written before them decode with
// those fields empty.
func (d *decoder) more() bool { return d.err == nil && d.pos < len(d.buf) }

// raw returns the next n bytes as they are, still in bbolt's memory.
func (d *decoder) raw(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n > len(d.buf)-d.pos {
		d.err = errCorrupt
		return nil
	}
	b := d.buf[d.pos : d.pos+n]
	d.pos += n
	return b
}

func (d *decoder) time() time.Time {
	v := d.int()
	if v == 0 {
		return time.Time{}
	}
	return time.Unix(0, v).UTC()
}

func (d *decoder) timeSince(base time.Time) time.Time {
	v := d.uint()
	if v == 0 {
		return time.Time{}
	}
	z := v - 1
	dist := int64(z>>1) ^ -int64(z&1)
	return time.Unix(0, base.UnixNano()+dist).UTC()
}

// encodeKey stores a key with its history head (see history.go).
func encodeKey(k model.Key, head uint64) []byte { return appendKey(nil, k, head) }

// appendKey is encodeKey into the end of dst, for a bulk of keys.
func appendKey(dst []byte, k model.Key, head uint64) []byte {
	e := &encoder{buf: append(dst, entityFormat)}
	e.uint(head)
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
	e.timeSince(k.UpdatedAt, k.ImportedAt)
	e.uint(k.Rev)
	e.uint(k.ProfileID)
	e.uint(k.AppliedProfileID)
	e.uint(licenceDay(k.LicenceUntil))
	// Appended by the directory issue, read when present (optional):
	// records written before decode with no last holder.
	e.uint(k.LastHolderID)
	return e.buf
}

func decodeKey(b []byte) (model.Key, error) {
	var d *decoder
	var k model.Key
	switch {
	case len(b) > 0 && b[0] == recordFormat:
		return decodeKeyV1(b) // schemas 1 to 5, for their migrations
	case len(b) > 0 && b[0] == keyFormatSchema6: // schema 6, for its migration
		d = newDecoder(b, keyFormatSchema6)
		k = d.keyV1()
	default:
		d = newDecoder(b, entityFormat)
		d.uint() // the history head
		k = model.Key{
			ID: d.uint(), Serial: d.str(), MAC: d.str(), Model: d.str(), Firmware: d.str(), RFID: d.str(),
			Status: model.Status(d.uint()), Reason: model.Reason(d.uint()), Note: d.str(),
			EmployeeID: d.uint(), ImportedAt: d.time(),
		}
		k.UpdatedAt, k.Rev = d.timeSince(k.ImportedAt), d.uint()
		if d.err == nil && (!k.Status.Valid() || !k.Reason.Valid()) {
			d.err = errCorrupt
		}
	}
	k.ProfileID, k.AppliedProfileID = d.uint(), d.uint()
	day := d.uint()
	k.LicenceUntil = licenceDate(day)
	if d.err == nil && (k.ProfileID == 0 || k.AppliedProfileID == 0 || day > maxLicenceDay) {
		d.err = errCorrupt // every key has a profile, and a licence date an admin could give
	}
	k.LastHolderID = d.uint()
	return k, d.err
}

// keyV1 reads the fields of a key in format 1.
func (d *decoder) keyV1() model.Key {
	k := model.Key{
		ID: d.uint(), Serial: d.str(), MAC: d.str(), Model: d.str(), Firmware: d.str(), RFID: d.str(),
		Status: model.Status(d.uint()), Reason: model.Reason(d.uint()), Note: d.str(),
		EmployeeID: d.uint(), ImportedAt: d.time(), UpdatedAt: d.time(), Rev: d.uint(),
	}
	if d.err == nil && (!k.Status.Valid() || !k.Reason.Valid()) {
		d.err = errCorrupt
	}
	return k
}

// licenceDay stores a licence end date as its day number, 0 for none
// (the first date allowed is in 2000).
func licenceDay(t time.Time) uint64 {
	if t.IsZero() {
		return 0
	}
	return uint64(model.LicenceDay(t))
}

// maxLicenceDay is past every licence date an admin can give (the model
// allows up to 2099): a day beyond is a damaged record.
const maxLicenceDay = 1 << 17 // in 2328

func licenceDate(day uint64) time.Time {
	if day == 0 {
		return time.Time{}
	}
	return model.LicenceDate(int(day))
}

// decodeCode reads a code stored plain, before schema 5 (its migration
// seals it; openCode reads it in a file of schema 4 opened read-only).
func decodeCode(b []byte) (model.ActivationCode, error) {
	d := newDecoder(b, recordFormat)
	c := model.ActivationCode{Digits: d.str(), IssuedAt: d.time(), ExpiresAt: d.time(), Failures: int(d.uint())}
	return c, d.err
}

// encodeEmployee stores an employee with its history head.
func encodeEmployee(p model.Employee, head uint64) []byte {
	e := newEncoder(entityFormat)
	e.uint(head)
	e.uint(p.ID)
	e.str(p.FirstName)
	e.str(p.LastName)
	e.str(p.Email)
	e.str(p.Phone)
	e.str(p.Department)
	e.str(p.Position)
	e.uint(p.KeyID)
	e.time(p.CreatedAt)
	e.timeSince(p.UpdatedAt, p.CreatedAt)
	e.uint(p.Rev)
	e.str(p.Company)
	// Appended by the directory issue, read when present (optional).
	e.str(p.ExternalID)
	e.time(p.LeftAt)
	e.str(p.LeftReason)
	return e.buf
}

func decodeEmployee(b []byte) (model.Employee, error) {
	var d *decoder
	var p model.Employee
	switch {
	case len(b) > 0 && b[0] == recordFormat:
		return decodeEmployeeV1(b) // schemas 1 to 5, for their migrations
	case len(b) > 0 && b[0] == employeeFormatSchema6: // schema 6, for its migration
		d = newDecoder(b, employeeFormatSchema6)
		p = d.employeeV1()
	default:
		d = newDecoder(b, entityFormat)
		d.uint() // the history head
		p = model.Employee{
			ID: d.uint(), FirstName: d.str(), LastName: d.str(), Email: d.str(), Phone: d.str(),
			Department: d.str(), Position: d.str(), KeyID: d.uint(), CreatedAt: d.time(),
		}
		p.UpdatedAt, p.Rev = d.timeSince(p.CreatedAt), d.uint()
	}
	p.Company = d.str()
	p.ExternalID, p.LeftAt, p.LeftReason = d.str(), d.time(), d.str()
	if d.err == nil && p.ID == 0 {
		d.err = errCorrupt // ids start at 1
	}
	return p, d.err
}

// employeeV1 reads the fields of an employee in format 1.
func (d *decoder) employeeV1() model.Employee {
	return model.Employee{
		ID: d.uint(), FirstName: d.str(), LastName: d.str(), Email: d.str(), Phone: d.str(),
		Department: d.str(), Position: d.str(), KeyID: d.uint(), CreatedAt: d.time(), UpdatedAt: d.time(), Rev: d.uint(),
	}
}

// An audit entry in format 2 stores its actor as a number (see trail), its
// action as a code, and ends with a link to the entry before it and its
// own hash, raw. The previous entry's hash is not stored: it is the hash
// of the entry before it in the bucket, which readers fill in. The link
// (the first bytes of that hash, as it was when the entry was sealed) only
// lets VerifyAudit tell "this entry was changed" from "the entry before it
// was replaced": the hash covers the whole previous hash, so a forged
// predecessor that happens to match the link is still found, as a change.
const (
	auditLinkSize = 2
	auditHashSize = 32 // SHA-256
)

// auditActions numbers the known actions, so that an entry stores one
// byte for them. Code 0 means the name follows in full, which keeps the
// format open to actions added later. Append only: the codes are in files.
var auditActions = []model.Action{
	"",
	model.ActionKeyImported,
	model.ActionKeyAssigned,
	model.ActionKeyActivated,
	model.ActionKeyLockedByCode,
	model.ActionKeyPinLocked,
	model.ActionKeySuspended,
	model.ActionKeyUnlocked,
	model.ActionKeyRemoved,
	model.ActionKeyWiped,
	model.ActionKeyCompromised,
	model.ActionCodeReissued,
	model.ActionCodeRejected,
	model.ActionCodeExpired,
	model.ActionCodeShown,
	model.ActionCodeEmailed,
	model.ActionCodeEmailFailed,
	model.ActionEmployeeCreated,
	model.ActionEmployeeEdited,
	model.ActionEmployeeDeleted,
	model.ActionSettingsChanged,
	model.ActionCodeRefused,
	model.ActionAdminAdded, // schema 4
	model.ActionAdminRole,
	model.ActionAdminRemoved,
	model.ActionAccessRefused,
	model.ActionBackupMade, // schema 5
	model.ActionBackupFailed,
	model.ActionProfileAdded, // schema 6
	model.ActionProfileEdited,
	model.ActionProfileDeleted,
	model.ActionKeyProfile,
	model.ActionKeyProfileApplied,
	model.ActionKeyLicence,
	model.ActionKeyRFID,
}

var auditActionCodes = func() map[model.Action]uint64 {
	codes := make(map[model.Action]uint64, len(auditActions))
	for i, a := range auditActions[1:] {
		codes[a] = uint64(i + 1)
	}
	return codes
}()

func (d *decoder) actor(actors map[uint64]string) string {
	id := d.uint()
	name, ok := actors[id]
	if d.err == nil && id != 0 && !ok {
		d.err = errCorrupt
	}
	return name
}

func (e *encoder) action(a model.Action) {
	if code, ok := auditActionCodes[a]; ok {
		e.uint(code)
		return
	}
	e.uint(0)
	e.str(string(a))
}

func (d *decoder) action() model.Action {
	code := d.uint()
	switch {
	case d.err != nil:
		return ""
	case code == 0:
		return model.Action(d.str())
	case code < uint64(len(auditActions)):
		return auditActions[code]
	}
	d.err = errCorrupt
	return ""
}

// targetKinds are the words audit targets start with, stored as a number
// (0: none of these, the whole target follows). Append only: the number is
// on disk.
var targetKinds = []string{"", "key ", "employee ", "admin ", "profile "}

func (e *encoder) target(t string) {
	for code, prefix := range targetKinds[1:] {
		if strings.HasPrefix(t, prefix) {
			e.uint(uint64(code + 1))
			e.str(t[len(prefix):])
			return
		}
	}
	e.uint(0)
	e.str(t)
}

func (d *decoder) target() string {
	code := d.uint()
	rest := d.str()
	if d.err == nil && code >= uint64(len(targetKinds)) {
		d.err = errCorrupt
	}
	if d.err != nil {
		return ""
	}
	return targetKinds[code] + rest
}

// encodeAudit stores a sealed entry: Hash and PrevHash must be hex SHA-256
// (PrevHash empty for the first entry). actor is the actor's number in the
// trail's actor table (see trail).
func encodeAudit(a model.AuditEntry, actor uint64) ([]byte, error) {
	hash, err := hex.DecodeString(a.Hash)
	if err != nil || len(hash) != auditHashSize {
		return nil, fmt.Errorf("audit entry %d: its hash %q is not a SHA-256", a.Seq, a.Hash)
	}
	prev, err := hex.DecodeString(a.PrevHash)
	if err != nil || (len(prev) != 0 && len(prev) != auditHashSize) {
		return nil, fmt.Errorf("audit entry %d: its previous hash %q is not a SHA-256", a.Seq, a.PrevHash)
	}
	e := newEncoder(auditFormat)
	e.uint(a.Seq)
	e.time(a.Time)
	e.uint(actor)
	e.action(a.Action)
	e.target(a.Target)
	e.uint(uint64(a.From))
	e.uint(uint64(a.To))
	e.uint(uint64(a.Reason))
	e.str(a.Note)
	e.uint(a.KeyID)
	e.uint(a.EmployeeID)
	e.buf = append(e.buf, auditLink(prev)...)
	e.buf = append(e.buf, hash...)
	return e.buf, nil
}

// decodeAudit reads an entry without its PrevHash: the caller fills it in
// from the entry before (storedHash). actors names the actor numbers;
// number 0 is no actor.
func decodeAudit(b []byte, actors map[uint64]string) (model.AuditEntry, error) {
	d := newDecoder(b, auditFormat)
	a := model.AuditEntry{
		Seq: d.uint(), Time: d.time(), Actor: d.actor(actors), Action: d.action(), Target: d.target(),
		From: model.Status(d.uint()), To: model.Status(d.uint()), Reason: model.Reason(d.uint()), Note: d.str(),
		KeyID: d.uint(), EmployeeID: d.uint(),
	}
	tail := d.raw(auditLinkSize + auditHashSize)
	if d.err == nil && d.pos != len(d.buf) {
		d.err = errCorrupt
	}
	if d.err != nil {
		return model.AuditEntry{}, d.err
	}
	a.Hash = hex.EncodeToString(tail[auditLinkSize:])
	return a, nil
}

// storedHashRaw is the hash at the end of an encoded entry, nil when v is
// not one (no entry, or a damaged one, which its own decoding reports).
func storedHashRaw(v []byte) []byte {
	if len(v) < 1+auditLinkSize+auditHashSize || (v[0] != auditFormat && v[0] != auditRunFormat) {
		return nil
	}
	return v[len(v)-auditHashSize:]
}

// storedHash is storedHashRaw in hex, as model.AuditEntry holds it.
func storedHash(v []byte) string { return hex.EncodeToString(storedHashRaw(v)) }

// storedLink is the link an encoded entry holds to the one before it.
func storedLink(v []byte) []byte {
	if storedHashRaw(v) == nil {
		return nil
	}
	return v[len(v)-auditHashSize-auditLinkSize : len(v)-auditHashSize]
}

// auditLink is the link to an entry with the given raw hash: its first
// bytes, zeros for none (the first entry).
func auditLink(prevHash []byte) []byte {
	link := make([]byte, auditLinkSize)
	copy(link, prevHash)
	return link
}

// indexValue is what a unique index holds for a record: its id as a
// uvarint (since schema 7; 8 bytes before).
func indexValue(id uint64) []byte { return binary.AppendUvarint(nil, id) }

// indexID reads an index value; 0 for a damaged one. 8 bytes are an id
// as schemas 1 to 6 stored it (a uvarint that long would be an id past
// 2^49), in a file opened read-only.
func indexID(v []byte) uint64 {
	if len(v) == 8 {
		return btoi(v)
	}
	id, n := binary.Uvarint(v)
	if n != len(v) {
		return 0
	}
	return id
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
