package store

import (
	"crypto/rand"
	"fmt"
	"time"

	"github.com/keydesk/keydesk/store/secrets"
	bolt "go.etcd.io/bbolt"
)

// migrateV9 is migrateV9At as Open runs it on a single node's file: the
// key file beside the database, the clock, crypto/rand. (Kept apart from
// migrate_v9.go so that the write-path walk of a cluster's upgrade, which
// starts there, does not follow the key file's loading.)
func migrateV9(tx *bolt.Tx) error {
	path := secrets.KeyPath(tx.DB().Path())
	box, err := secrets.Load(path)
	if err != nil {
		return fmt.Errorf("the key file %s is needed to seal the records: %v", path, innermostError(err))
	}
	return migrateV9At(tx, time.Now().UTC(), rand.Reader, &Store{box: box})
}
