package cluster

import (
	"encoding/binary"
	"time"

	bolt "go.etcd.io/bbolt"
)

// DropStamped deletes the entries of b whose value starts with a moment
// (8 bytes, big-endian Unix nanoseconds of the log's time) before limit;
// an entry too short to hold one is deleted too when short is true.
func DropStamped(b *bolt.Bucket, limit time.Time, short bool) error {
	before := limit.UnixNano()
	var dead [][]byte
	err := b.ForEach(func(k, v []byte) error {
		if len(v) < 8 && short || len(v) >= 8 && int64(binary.BigEndian.Uint64(v)) < before {
			dead = append(dead, append([]byte(nil), k...))
		}
		return nil
	})
	for _, k := range dead {
		if err == nil {
			err = b.Delete(k)
		}
	}
	return err
}
