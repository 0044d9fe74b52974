package migrate

import (
	"encoding/binary"

	"github.com/keydesk/keydesk/store/index"
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

// Schema 7 made each write flush fewer pages and an import smaller: the
// history index buckets gave way to chains through the trail (store's
// history.go), audit entries moved to format 3 (runs, store's
// auditrun.go), keys and employees to format 2 (their history head, and
// the time of the last change stored as its distance from the first),
// the unique indexes' ids from 8 bytes to uvarints.

// chainHistory rewrites the trail, each entry a run of its own with the
// link it had (tampering stays visible), chaining every entry to the one
// before it about the same key and employee; then every key and employee,
// with the head of its chain; then drops the index buckets.
func chainHistory(tx *bolt.Tx, st Store) error {
	keys, employees := map[uint64]uint64{}, map[uint64]uint64{} // id -> newest entry
	prev := func(seq, keyID, employeeID uint64) (uint64, uint64) {
		return link(keys, keyID, seq), link(employees, employeeID, seq)
	}
	err := rewriteTrail(tx, st, func(t Trail, seq uint64, v []byte) ([]byte, error) {
		return t.Relink(seq, v, prev)
	})
	if err != nil {
		return err
	}
	deleted, err := tx.CreateBucketIfNotExists(bucketDeletedHeads)
	if err != nil {
		return err
	}
	for id, head := range employees {
		if tx.Bucket(bucketEmployees).Get(record.ID(id)) == nil {
			if err := deleted.Put(record.ID(id), binary.AppendUvarint(nil, head)); err != nil {
				return err
			}
		}
	}
	if err := Rewrite(tx.Bucket(bucketKeys), func(v []byte) ([]byte, error) {
		k, err := st.DecodeKey(v)
		return record.EncodeKey(k, keys[k.ID]), err
	}); err != nil {
		return err
	}
	if err := Rewrite(tx.Bucket(bucketEmployees), func(v []byte) ([]byte, error) {
		e, err := st.DecodeEmployee(v)
		return record.EncodeEmployee(e, employees[e.ID]), err
	}); err != nil {
		return err
	}
	// The unique indexes' ids as uvarints: they were 8 bytes (a uvarint
	// that long would be an id past 2^49). The keys' indexes are left to
	// keyIndexRuns, which reads either and writes them anew.
	for _, name := range [][]byte{bucketEmails, bucketNames} {
		b := tx.Bucket(name)
		b.FillPercent = index.FillPercent
		if err := Rewrite(b, func(v []byte) ([]byte, error) { return record.IndexValue(record.IndexID(v)), nil }); err != nil {
			return err
		}
	}
	return nil
}

// link records seq as the newest entry about id and returns the one before.
func link(heads map[uint64]uint64, id, seq uint64) uint64 {
	if id == 0 {
		return 0
	}
	prev := heads[id]
	heads[id] = seq
	return prev
}
