// Package migrate holds the schema upgrades (v2.go to v9.go, run in order
// by Run) and the record formats that older schemas wrote. Only the
// upgrades read those formats, and a read-only open of a
// file of schema 4 to 6, which cannot migrate it: the decoders of the
// formats this keydesk writes (store/record) know none of them.
package migrate

import (
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/record"
)

// DecodeKey reads a key in an older format: format 1 (schemas 1 to 5) as
// schema 6 has it, with Default, on its device already, and no licence;
// format 3 (schema 6) as it is.
func DecodeKey(b []byte) (model.Key, error) {
	if len(b) > 0 && b[0] == record.Format1 {
		d := record.NewDecoder(b, record.Format1)
		k := keyV1(d)
		k.ProfileID, k.AppliedProfileID = model.DefaultProfileID, model.DefaultProfileID
		return k, d.Err()
	}
	d := record.NewDecoder(b, record.EntityFormatSchema6)
	k := keyV1(d)
	d.KeySinceSchema6(&k)
	return k, d.Err()
}

// DecodeEmployee reads an employee in an older format: format 1 (no
// company) or 3 (schema 6).
func DecodeEmployee(b []byte) (model.Employee, error) {
	if len(b) > 0 && b[0] == record.Format1 {
		d := record.NewDecoder(b, record.Format1)
		e := employeeV1(d)
		return e, d.Err()
	}
	d := record.NewDecoder(b, record.EntityFormatSchema6)
	e := employeeV1(d)
	d.EmployeeSinceSchema6(&e)
	return e, d.Err()
}

// EncodeKeySchema6 is a key in format 3, as schema 6 stored it.
func EncodeKeySchema6(k model.Key) []byte {
	e := record.NewEncoder(record.EntityFormatSchema6)
	encodeKeyV1(e, k)
	e.Uint(k.ProfileID)
	e.Uint(k.AppliedProfileID)
	e.Uint(record.LicenceDay(k.LicenceUntil))
	return e.Buf
}

// EncodeEmployeeSchema6 is an employee in format 3, as schema 6 stored it.
func EncodeEmployeeSchema6(p model.Employee) []byte {
	e := record.NewEncoder(record.EntityFormatSchema6)
	encodeEmployeeV1(e, p)
	e.Str(p.Company)
	return e.Buf
}

// encodeKeyV1 writes the fields of a key in format 1: those every format
// starts with, then its last change as a time (later formats store it as
// a distance from the import) and its revision.
func encodeKeyV1(e *record.Encoder, k model.Key) {
	e.KeyFields(k)
	e.Time(k.UpdatedAt)
	e.Uint(k.Rev)
}

// encodeEmployeeV1 is encodeKeyV1 for an employee.
func encodeEmployeeV1(e *record.Encoder, p model.Employee) {
	e.EmployeeFields(p)
	e.Time(p.UpdatedAt)
	e.Uint(p.Rev)
}

// keyV1 reads the fields of a key in format 1.
func keyV1(d *record.Decoder) model.Key {
	k := d.KeyFields()
	k.UpdatedAt, k.Rev = d.Time(), d.Uint()
	if d.Err() == nil && (!k.Status.Valid() || !k.Reason.Valid()) {
		d.Fail()
	}
	return k
}

// employeeV1 reads the fields of an employee in format 1.
func employeeV1(d *record.Decoder) model.Employee {
	p := d.EmployeeFields()
	p.UpdatedAt, p.Rev = d.Time(), d.Uint()
	return p
}

// DecodeCode reads a code stored plain, before schema 5 (its migration
// seals it; a file of schema 4 opened read-only reads it so).
func DecodeCode(b []byte) (model.ActivationCode, error) {
	d := record.NewDecoder(b, record.Format1)
	c := model.ActivationCode{Digits: d.Str(), IssuedAt: d.Time(), ExpiresAt: d.Time(), Failures: int(d.Uint())}
	return c, d.Err()
}
