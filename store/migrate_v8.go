package store

import (
	"bytes"

	"github.com/keydesk/keydesk/store/index"
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

// keyIndexRunsSchema is the first schema whose key indexes are in runs.
const keyIndexRunsSchema = 8

// migrateV8 puts the keys' unique indexes in runs (keyindex.go): each
// index is read whole, in order, and written again as runs.
func migrateV8(tx *bolt.Tx) error {
	for _, name := range [][]byte{bucketSerials, bucketMACs, bucketRFIDs} {
		var entries []index.Entry
		err := tx.Bucket(name).ForEach(func(value, id []byte) error {
			if record.IndexID(id) != 0 { // a damaged entry named no key before either
				entries = append(entries, index.Entry{Value: bytes.Clone(value), ID: record.IndexID(id)})
			}
			return nil
		})
		if err != nil {
			return err
		}
		b, err := emptyBucket(tx, name)
		if err != nil {
			return err
		}
		if err := index.OpenRuns(b, false).Insert(entries); err != nil {
			return err
		}
	}
	return nil
}

// emptyBucket replaces the bucket name with an empty one.
func emptyBucket(tx *bolt.Tx, name []byte) (*bolt.Bucket, error) {
	if err := tx.DeleteBucket(name); err != nil {
		return nil, err
	}
	return tx.CreateBucket(name)
}
