package store

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/migrate"
	"github.com/keydesk/keydesk/store/osfile"
	"github.com/keydesk/keydesk/store/record"
	"github.com/keydesk/keydesk/store/secrets"
	bolt "go.etcd.io/bbolt"
)

// Activation codes and the mail password are sealed (AES-GCM, see
// store/secrets) with the key in the file beside the database
// (secrets.KeyPath). The database holds a check value sealed with the
// same key, so that a key file that belongs to another database is told
// apart from a damaged value.

var metaSecretsCheck = []byte("secrets_check")

var (
	checkPlain   = []byte("keydesk")
	checkContext = []byte("check")
	smtpContext  = []byte("smtp password")
)

// codeContext binds a sealed code to its key's id: a code copied into
// another key's record does not open.
func codeContext(keyID uint64) []byte { return append([]byte("code "), record.ID(keyID)...) }

// SecretsError says the codes and the mail password cannot be read or
// written: the key file is missing, or belongs to another database.
type SecretsError struct {
	KeyPath string
	Why     string
}

func (e *SecretsError) Error() string {
	return fmt.Sprintf("activation codes and the mail password cannot be read: %s (%s); "+
		"everything else works, and a key can still be removed or marked compromised", e.Why, e.KeyPath)
}

// IsSecretsError reports whether err is a *SecretsError.
func IsSecretsError(err error) bool {
	var se *SecretsError
	return errors.As(err, &se)
}

// KeyPath is the database's key file.
func (s *Store) KeyPath() string { return secrets.KeyPath(s.path) }

// SecretsProblem is nil when codes and the mail password can be read, else
// why not.
func (s *Store) SecretsProblem() error {
	if s.box != nil {
		return nil
	}
	return s.secretsErr
}

// loadSecrets opens the key file of a database that has a check value.
// A database without one (an old schema read read-only) keeps its
// secrets plain, and needs no key.
func (s *Store) loadSecrets() error {
	var check []byte
	if err := s.view(func(tx *bolt.Tx) error {
		if meta := tx.Bucket(bucketMeta); meta != nil {
			check = append([]byte(nil), meta.Get(metaSecretsCheck)...)
		}
		return nil
	}); err != nil {
		return err
	}
	if len(check) == 0 {
		s.secretsErr = &SecretsError{KeyPath: s.KeyPath(), Why: "this database has no key yet"}
		return nil
	}
	box, err := secrets.Load(s.KeyPath())
	switch {
	case errors.Is(err, secrets.ErrNoKey):
		s.secretsErr = &SecretsError{KeyPath: s.KeyPath(), Why: "its key file is missing"}
	case err != nil:
		s.secretsErr = &SecretsError{KeyPath: s.KeyPath(), Why: "its key file cannot be read: " + osfile.Innermost(err).Error()}
	default:
		if plain, err := box.Open(check, checkContext); err != nil || string(plain) != string(checkPlain) {
			s.secretsErr = &SecretsError{KeyPath: s.KeyPath(), Why: "the key file belongs to another database"}
		} else {
			s.box = box
		}
	}
	return nil
}

// sealCode stores a code with its digits sealed, its fields bound
// (codeseal.go).
func (s *Store) sealCode(nonces io.Reader, keyID uint64, c model.ActivationCode) ([]byte, error) {
	if s.box == nil {
		return nil, s.SecretsProblem()
	}
	if s.olderRecords.Load() {
		return s.sealCodeV5(nonces, keyID, c) // a test's file of an older schema
	}
	return sealBoundCode(s.box, nonces, keyID, c)
}

// sealCodeV5 stores a code with its digits sealed (format 2), as schemas
// 5 to 8 did; for tests that make their files.
func (s *Store) sealCodeV5(nonces io.Reader, keyID uint64, c model.ActivationCode) ([]byte, error) {
	if s.box == nil {
		return nil, s.SecretsProblem()
	}
	sealed, err := s.box.SealFrom(nonces, []byte(c.Digits), codeContext(keyID))
	if err != nil {
		return nil, err
	}
	e := record.NewEncoder(record.SealedCodeFormat)
	e.Str(string(sealed))
	e.Time(c.IssuedAt)
	e.Time(c.ExpiresAt)
	e.Uint(uint64(c.Failures))
	return e.Buf, nil
}

// openCode reads a stored code. Without the key its digits are "": the
// code's dates and failures still read, and applyKeyEvent refuses what
// would need the digits (see unreadable).
func (s *Store) openCode(keyID uint64, raw []byte) (model.ActivationCode, error) {
	if len(raw) > 0 && raw[0] == record.BoundCodeFormat {
		return s.openBoundCode(keyID, raw)
	}
	if !s.olderRecords.Load() {
		return model.ActivationCode{}, olderCode(keyID)
	}
	if len(raw) > 0 && raw[0] == record.Format1 {
		return migrate.DecodeCode(raw) // plain, from before schema 5
	}
	d := record.NewDecoder(raw, record.SealedCodeFormat)
	sealed := d.Str()
	c := model.ActivationCode{IssuedAt: d.Time(), ExpiresAt: d.Time(), Failures: int(d.Uint())}
	if d.Err() != nil {
		return c, record.Damaged(bucketCodes, record.ID(keyID), d.Err())
	}
	if s.box == nil {
		return c, nil
	}
	digits, err := s.box.Open([]byte(sealed), codeContext(keyID))
	if err != nil {
		return c, fmt.Errorf("the activation code of key id %d does not open with the key file: %w", keyID, record.ErrCorrupt)
	}
	c.Digits = string(digits)
	return c, nil
}

// unreadable reports whether a key's code is stored but cannot be read
// here (no key file).
func unreadable(c *model.ActivationCode) bool { return c != nil && c.Digits == "" }

// sealPassword and openPassword keep the mail password in storedSMTP.
func (s *Store) sealPassword(nonces io.Reader, stored *storedSMTP) error {
	if stored.Password == "" {
		stored.Sealed = nil
		return nil
	}
	if s.box == nil {
		return s.SecretsProblem()
	}
	sealed, err := s.box.SealFrom(nonces, []byte(stored.Password), smtpContext)
	if err != nil {
		return err
	}
	stored.Sealed, stored.Password = sealed, ""
	return nil
}

func (s *Store) openPassword(stored *storedSMTP) error {
	if len(stored.Sealed) == 0 {
		return nil // none, or plain from before schema 5
	}
	if s.box == nil {
		return s.SecretsProblem()
	}
	plain, err := s.box.Open(stored.Sealed, smtpContext)
	if err != nil {
		return fmt.Errorf("the mail password does not open with the key file: %w", record.ErrCorrupt)
	}
	stored.Password = string(plain)
	return nil
}

// removeKeyFile removes the key file of a database being removed.
func removeKeyFile(dbPath string) error {
	err := os.Remove(secrets.KeyPath(dbPath))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}
