package migrate

import (
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

// Schema 3 counted the keys by status, so that the header need not walk them.

// countKeys (schema 2 -> 3) counts the keys already stored.
func countKeys(tx *bolt.Tx, st Store) error {
	counts, err := tx.CreateBucketIfNotExists(bucketCounts)
	if err != nil {
		return err
	}
	n := map[model.Status]uint64{}
	if err := tx.Bucket(bucketKeys).ForEach(func(_, v []byte) error {
		k, err := DecodeKey(v) // keys were in format 1 until schema 6
		n[k.Status]++
		return err
	}); err != nil {
		return err
	}
	for s, c := range n {
		if err := counts.Put(st.CountKey(s), record.ID(c)); err != nil {
			return err
		}
	}
	return nil
}
