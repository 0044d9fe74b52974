package store

import (
	"time"

	bolt "go.etcd.io/bbolt"
)

// CodeState is what may be said of a key's activation code without
// showing it: when it expires and how many wrong entries it still
// takes. Reading it is not a showing, so it is not audited.
type CodeState struct {
	IssuedAt     time.Time
	ExpiresAt    time.Time
	AttemptsLeft int
}

// KeyCodeState reads the state of key id's code; ok is false when the
// key has none (any status but Reserved and Suspended).
func (s *Store) KeyCodeState(id uint64) (state CodeState, ok bool, err error) {
	err = s.view(func(tx *bolt.Tx) error {
		raw := tx.Bucket(bucketCodes).Get(itob(id))
		if raw == nil {
			return nil
		}
		code, err := decodeCode(raw)
		if err != nil {
			return err
		}
		state, ok = CodeState{IssuedAt: code.IssuedAt, ExpiresAt: code.ExpiresAt, AttemptsLeft: code.AttemptsLeft()}, true
		return nil
	})
	return state, ok, err
}
