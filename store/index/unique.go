package index

import bolt "go.etcd.io/bbolt"

// FillPercent packs index pages full rather than bbolt's default half: a
// bulk import writes them in one go, and half-empty pages would double
// their share of the file.
const FillPercent = 1.0

// Reindex moves value in the unique index b from the name old to new
// ("": none). One entry a name: the employees' e-mails, names and
// directory ids, the profiles' names, the admins' keys.
func Reindex(b *bolt.Bucket, old, new string, value []byte) error {
	b.FillPercent = FillPercent
	return move(old, new, b.Delete, func(name []byte) error { return b.Put(name, value) })
}

// move moves an index entry from the name old to new ("": none) with del
// and put.
func move(old, new string, del, put func(name []byte) error) error {
	if old == new {
		return nil
	}
	if old != "" {
		if err := del([]byte(old)); err != nil {
			return err
		}
	}
	if new != "" {
		return put([]byte(new))
	}
	return nil
}
