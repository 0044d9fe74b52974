package migrate

import (
	"bytes"

	"github.com/keydesk/keydesk/store/index"
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

// Schema 8 put the keys' unique indexes (serial, MAC, RFID) in runs
// (store's keyindex.go).

// keyIndexRuns reads each index whole, in order, and writes it again as
// runs.
func keyIndexRuns(tx *bolt.Tx, _ Store) error {
	for _, name := range keyIndexes {
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
		b, err := EmptyBucket(tx, name)
		if err != nil {
			return err
		}
		if err := index.OpenRuns(b, false).Insert(entries); err != nil {
			return err
		}
	}
	return nil
}
