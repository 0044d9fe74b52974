package store

import bolt "go.etcd.io/bbolt"

// The tests' own rewriting of buckets, to put a file back in an older
// schema's form (the upgrades' is in store/migrate).

// rewrite replaces every value of b by what convert makes of it.
func rewrite(b *bolt.Bucket, convert func(v []byte) ([]byte, error)) error {
	var ks, vs [][]byte
	err := b.ForEach(func(k, v []byte) error {
		nv, err := convert(v)
		ks, vs = append(ks, k), append(vs, nv)
		return err
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

// emptyBucket replaces the bucket name with an empty one.
func emptyBucket(tx *bolt.Tx, name []byte) (*bolt.Bucket, error) {
	if err := tx.DeleteBucket(name); err != nil {
		return nil, err
	}
	return tx.CreateBucket(name)
}
