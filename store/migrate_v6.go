package store

import (
	"fmt"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/migrate"
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

// Schema 6 added access profiles and licences to keys, and a company to
// employees: keys and employees moved from format 1 to format 3 (see
// migrate.EncodeKeySchema6; schema 7 moved them on to format 4).

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
		return migrate.EncodeKeySchema6(k), err
	})
	if err != nil {
		return fmt.Errorf("a key cannot be read: %w", err)
	}
	if keys > 0 {
		if err := tx.Bucket(bucketProfileCounts).Put(record.ID(model.DefaultProfileID), record.ID(uint64(keys))); err != nil {
			return err
		}
	}
	err = rewrite(tx.Bucket(bucketEmployees), func(v []byte) ([]byte, error) {
		e, err := decodeEmployee(v)
		return migrate.EncodeEmployeeSchema6(e), err
	})
	if err != nil {
		return fmt.Errorf("an employee cannot be read: %w", err)
	}
	return nil
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
