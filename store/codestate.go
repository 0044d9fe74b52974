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

// KeyCodeState reads the state of a key's code; ok is false when the key
// has none (any status but Reserved and Suspended).
func (s *Store) KeyCodeState(serial string) (state CodeState, ok bool, err error) {
	err = s.view(func(tx *bolt.Tx) error {
		k, err := s.keyBySerial(tx, serial)
		if err != nil || k.Code == nil {
			return err
		}
		state, ok = CodeState{IssuedAt: k.Code.IssuedAt, ExpiresAt: k.Code.ExpiresAt, AttemptsLeft: k.Code.AttemptsLeft()}, true
		return nil
	})
	return state, ok, err
}
