package migrate

import bolt "go.etcd.io/bbolt"

// Schema 4 made the admins table, with their roles.

// makeAdmins (schema 3 -> 4) makes the admins table.
func makeAdmins(tx *bolt.Tx, _ Store) error {
	for _, name := range [][]byte{bucketAdmins, bucketAdminKey} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	return nil
}
