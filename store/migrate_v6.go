package store

import (
	"fmt"

	"github.com/keydesk/keydesk/model"
	bolt "go.etcd.io/bbolt"
)

// Schema 6 added access profiles and licences to keys, and a company to
// employees: keys and employees moved from format 1 to format 3 (see
// encodeKeyV6, encodeEmployeeV6; schema 7 moved them on to format 4).

// migrateProfiles (schema 5 -> 6) creates the profiles with Default, and
// rewrites every key with the Default profile (on its device already)
// and no licence, and every employee with no company.
func migrateProfiles(tx *bolt.Tx) error {
	for _, name := range [][]byte{bucketProfiles, bucketProfileNames, bucketProfileCounts, bucketLicenceDays} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	if err := createDefaultProfile(tx); err != nil {
		return err
	}
	keys := 0
	err := rewrite(tx.Bucket(bucketKeys), func(v []byte) ([]byte, error) {
		k, err := decodeKey(v)
		keys++
		return encodeKeyV6(k), err
	})
	if err != nil {
		return fmt.Errorf("a key cannot be read: %w", err)
	}
	if keys > 0 {
		if err := tx.Bucket(bucketProfileCounts).Put(itob(model.DefaultProfileID), itob(uint64(keys))); err != nil {
			return err
		}
	}
	err = rewrite(tx.Bucket(bucketEmployees), func(v []byte) ([]byte, error) {
		e, err := decodeEmployee(v)
		return encodeEmployeeV6(e), err
	})
	if err != nil {
		return fmt.Errorf("an employee cannot be read: %w", err)
	}
	return nil
}

// encodeKeyV6 is a key in format 3, as schema 6 stored it.
func encodeKeyV6(k model.Key) []byte {
	e := newEncoder(keyFormatSchema6)
	e.keyV1(k)
	e.uint(k.ProfileID)
	e.uint(k.AppliedProfileID)
	e.uint(licenceDay(k.LicenceUntil))
	return e.buf
}

// encodeEmployeeV6 is an employee in format 3, as schema 6 stored it.
func encodeEmployeeV6(p model.Employee) []byte {
	e := newEncoder(employeeFormatSchema6)
	e.employeeV1(p)
	e.str(p.Company)
	return e.buf
}

// keyV1 writes the fields of a key in format 1.
func (e *encoder) keyV1(k model.Key) {
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
}

// employeeV1 writes the fields of an employee in format 1.
func (e *encoder) employeeV1(p model.Employee) {
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
}

// decodeKeyV1 reads a key in format 1, which schemas 1 to 5 wrote, as
// schema 6 has it: with Default, on its device already, and no licence.
// Besides the migrations, a read-only store reads them so in a schema 4
// or 5 file (see oldestReadable).
func decodeKeyV1(b []byte) (model.Key, error) {
	d := newDecoder(b, recordFormat)
	k := d.keyV1()
	k.ProfileID, k.AppliedProfileID = model.DefaultProfileID, model.DefaultProfileID
	return k, d.err
}

// decodeEmployeeV1 reads an employee in format 1: no company.
func decodeEmployeeV1(b []byte) (model.Employee, error) {
	d := newDecoder(b, recordFormat)
	e := d.employeeV1()
	return e, d.err
}

// rewrite replaces every value of b by what convert makes of it. The new
// values are gathered first: bbolt does not allow writing a bucket while
// walking it.
func rewrite(b *bolt.Bucket, convert func(v []byte) ([]byte, error)) error {
	var ks, vs [][]byte
	err := b.ForEach(func(k, v []byte) error {
		nv, err := convert(v)
		if err != nil {
			return err
		}
		ks, vs = append(ks, k), append(vs, nv)
		return nil
	})
	if err != nil {
		return err
	}
	b.FillPercent = 1 // ids only grow
	for i, k := range ks {
		if err := b.Put(k, vs[i]); err != nil {
			return err
		}
	}
	return nil
}
