package store

import (
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

// viewValue runs read in one read transaction and returns what it read.
func viewValue[T any](s *Store, read func(tx *bolt.Tx) (T, error)) (T, error) {
	var v T
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		v, err = read(tx)
		return err
	})
	return v, err
}

// viewRevised runs read, of settings and their revision, in one read
// transaction.
func viewRevised[T any](s *Store, read func(tx *bolt.Tx) (T, uint64, error)) (T, uint64, error) {
	var (
		v   T
		rev uint64
	)
	err := s.view(func(tx *bolt.Tx) (err error) {
		v, rev, err = read(tx)
		return err
	})
	return v, rev, err
}

// recordByID reads record id of bucket b, which is named name (a damaged
// record is reported by name and id); found is false when there is none.
func recordByID[T any](b *bolt.Bucket, name []byte, id uint64, decode func([]byte) (T, error)) (v T, found bool, err error) {
	key := record.ID(id)
	raw := b.Get(key)
	if raw == nil {
		return v, false, nil
	}
	v, err = decode(raw)
	return v, true, record.Damaged(name, key, err)
}

// recordsByID reads the records ids of bucket name, in order: those
// found, and the ids of those that are gone.
func recordsByID[T any](tx *bolt.Tx, name []byte, ids []uint64, decode func([]byte) (T, error)) (found []T, gone []uint64, err error) {
	b := tx.Bucket(name)
	for _, id := range ids {
		v, ok, err := recordByID(b, name, id, decode)
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			gone = append(gone, id)
			continue
		}
		found = append(found, v)
	}
	return found, gone, nil
}

// allRecords reads every record of bucket name, in id order.
func allRecords[T any](tx *bolt.Tx, name []byte, decode func([]byte) (T, error)) ([]T, error) {
	b := tx.Bucket(name)
	all := make([]T, 0, b.Stats().KeyN)
	err := b.ForEach(func(id, v []byte) error {
		x, err := decode(v)
		all = append(all, x)
		return record.Damaged(name, id, err)
	})
	return all, err
}

// eachRecord calls fn with every record of bucket name in id order, one
// at a time, letting the file's pages go as it walks (mapped.go).
func eachRecord[T any](tx *bolt.Tx, name []byte, decode func([]byte) (T, error), fn func(T) error) error {
	walk := mappedWalk{tx: tx}
	return tx.Bucket(name).ForEach(func(id, v []byte) error {
		walk.step()
		x, err := decode(v)
		if err != nil {
			return record.Damaged(name, id, err)
		}
		return fn(x)
	})
}

// existingByID is recordByID in tx, refused with gone when the record is
// not there.
func existingByID[T any](tx *bolt.Tx, name []byte, id uint64, decode func([]byte) (T, error), gone string) (T, error) {
	v, found, err := recordByID(tx.Bucket(name), name, id, decode)
	if !found {
		return v, refused("%s", gone)
	}
	return v, err
}
