package migrate

import (
	"crypto/rand"
	"time"

	"github.com/keydesk/keydesk/store/secrets"
	bolt "go.etcd.io/bbolt"
)

// sealRecords is V9At as Open runs it on a single node's file: the key
// file beside the database, the clock, crypto/rand. (Kept apart from
// v9.go so that the write-path walk of a cluster's upgrade, which starts
// there, does not follow the key file's loading.)
func sealRecords(tx *bolt.Tx, st Store, box *secrets.Box, _ string) error {
	return V9At(tx, time.Now().UTC(), rand.Reader, st.Sealing(box))
}
