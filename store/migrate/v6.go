package migrate

import (
	"fmt"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

// Schema 6 added access profiles and licences to keys, and a company to
// employees: keys and employees moved from format 1 to format 3 (see
// EncodeKeySchema6; schema 7 moved them on to format 4).

// addProfiles (schema 5 -> 6) creates the profiles with Default, and
// rewrites every key with the Default profile (on its device already)
// and no licence, and every employee with no company.
func addProfiles(tx *bolt.Tx, st Store) error {
	for _, name := range [][]byte{bucketProfiles, bucketProfileNames, bucketProfileCounts, bucketLicenceDays} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	if err := st.CreateDefaultProfile(tx); err != nil {
		return err
	}
	keys := 0
	err := Rewrite(tx.Bucket(bucketKeys), func(v []byte) ([]byte, error) {
		k, err := st.DecodeKey(v)
		keys++
		return EncodeKeySchema6(k), err
	})
	if err != nil {
		return fmt.Errorf("a key cannot be read: %w", err)
	}
	if keys > 0 {
		if err := tx.Bucket(bucketProfileCounts).Put(record.ID(model.DefaultProfileID), record.ID(uint64(keys))); err != nil {
			return err
		}
	}
	err = Rewrite(tx.Bucket(bucketEmployees), func(v []byte) ([]byte, error) {
		e, err := st.DecodeEmployee(v)
		return EncodeEmployeeSchema6(e), err
	})
	if err != nil {
		return fmt.Errorf("an employee cannot be read: %w", err)
	}
	return nil
}
