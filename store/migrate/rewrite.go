package migrate

import (
	"errors"

	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// dropBuckets deletes buckets, those that exist.
func dropBuckets(tx *bolt.Tx, names ...[]byte) error {
	for _, name := range names {
		if err := tx.DeleteBucket(name); err != nil && !errors.Is(err, bolterrors.ErrBucketNotFound) {
			return err
		}
	}
	return nil
}

// EmptyBucket replaces the bucket name with an empty one.
func EmptyBucket(tx *bolt.Tx, name []byte) (*bolt.Bucket, error) {
	if err := tx.DeleteBucket(name); err != nil {
		return nil, err
	}
	return tx.CreateBucket(name)
}

// Rewrite replaces every value of b by what convert makes of it. The new
// values are gathered first: bbolt does not allow writing a bucket while
// walking it.
func Rewrite(b *bolt.Bucket, convert func(v []byte) ([]byte, error)) error {
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

// rewriteTrail writes every value of the trail anew, as convert makes it
// of the value stored under seq, into a new bucket packed full, with the
// same sequence; the history indexes of schemas 1 to 6 go with the old
// bucket. Everything stored is kept as it was, tampering included.
func rewriteTrail(tx *bolt.Tx, st Store, convert func(t Trail, seq uint64, v []byte) ([]byte, error)) error {
	t, entries := st.Trail(tx), tx.Bucket(bucketAudit)
	sequence := entries.Sequence()
	var seqs []uint64
	var values [][]byte
	err := entries.ForEach(func(k, v []byte) error {
		nv, err := convert(t, record.ParseID(k), v)
		seqs, values = append(seqs, record.ParseID(k)), append(values, nv)
		return err
	})
	if err != nil {
		return err
	}
	if err := dropBuckets(tx, bucketAudit, bucketAuditKey, bucketAuditEmp); err != nil {
		return err
	}
	audit, err := tx.CreateBucket(bucketAudit)
	if err != nil {
		return err
	}
	audit.FillPercent = 1
	for i, seq := range seqs {
		if err := audit.Put(record.ID(seq), values[i]); err != nil {
			return err
		}
	}
	return audit.SetSequence(sequence)
}
