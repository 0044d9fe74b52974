package cluster

import (
	"crypto/sha256"
	"encoding/binary"
	"hash"

	bolt "go.etcd.io/bbolt"
)

// Fingerprint hashes every bucket's keys and values, in order, with the
// bucket sequences. Two nodes at the same applied index must have the same
// fingerprint; their files are not byte-identical (bbolt's page placement
// depends on each node's readers), so files are never compared directly.
func (m *Machine) Fingerprint() (index uint64, sum []byte, err error) {
	err = m.view(func(tx *bolt.Tx) error {
		index = readApplied(tx).Index
		h := sha256.New()
		err := tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			return hashBucket(h, name, b)
		})
		sum = h.Sum(nil)
		return err
	})
	return index, sum, err
}

func hashBucket(h hash.Hash, name []byte, b *bolt.Bucket) error {
	field := func(p []byte) {
		h.Write(binary.BigEndian.AppendUint32(nil, uint32(len(p))))
		h.Write(p)
	}
	h.Write([]byte{'B'})
	field(name)
	h.Write(binary.BigEndian.AppendUint64(nil, b.Sequence()))
	err := b.ForEach(func(k, v []byte) error {
		if v == nil {
			if inner := b.Bucket(k); inner != nil {
				return hashBucket(h, k, inner)
			}
		}
		h.Write([]byte{'K'})
		field(k)
		field(v)
		return nil
	})
	h.Write([]byte{'E'})
	return err
}
