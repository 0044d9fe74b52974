package store

import bolt "go.etcd.io/bbolt"

// commit runs one write transaction and waits until it is on disk. Every
// write of the store goes through here, so that how writes are committed
// (one transaction each, or grouped) is decided in one place.
func (s *Store) commit(fn func(tx *bolt.Tx) error) error {
	return s.guard(func() error { return s.db.Update(fn) })
}
