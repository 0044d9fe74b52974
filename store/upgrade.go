package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/keydesk/keydesk/store/osfile"
	"github.com/keydesk/keydesk/store/record"
	"github.com/keydesk/keydesk/store/secrets"
	bolt "go.etcd.io/bbolt"
)

// Upgrade says that this open upgraded the file's schema, and where the
// file as it was before is kept.
type Upgrade struct {
	From, To uint64
	KeptAs   string
}

// Upgraded is the upgrade this open made; nil when the file was of this
// keydesk's schema (or new).
func (s *Store) Upgraded() *Upgrade { return s.upgraded }

// migrateKeepingACopy runs the migrations of a file of an older schema
// after copying the file as it is (and its key file) beside it: NAME.
// before-schema-N.db, for N the schema it is upgraded to. A downgrade is
// then putting that copy back (keydesk restore, with the keydesk that
// wrote it). A copy of that name already there, from an upgrade that did
// not finish, is kept: it is the older one.
func (s *Store) migrateKeepingACopy() error {
	var version uint64
	if err := s.view(func(tx *bolt.Tx) error {
		if meta := tx.Bucket(bucketMeta); meta != nil {
			version = record.ParseID(meta.Get(metaSchema))
		}
		return nil
	}); err != nil {
		return err
	}
	if version == 0 || version >= schemaVersion {
		return s.migrate()
	}
	if waits, err := s.clusterUpgradeWaits(version); waits || err != nil { // clusterschema.go
		return err
	}
	kept := strings.TrimSuffix(s.path, ".db") + fmt.Sprintf(".before-schema-%d.db", schemaVersion)
	if _, err := os.Stat(kept); errors.Is(err, fs.ErrNotExist) {
		if err := s.copyAsItIs(kept); err != nil {
			return fmt.Errorf("cannot keep a copy of the database before upgrading it to schema %d (%s): %v; nothing was changed",
				schemaVersion, kept, osfile.Innermost(err))
		}
	}
	if err := s.migrate(); err != nil {
		return err
	}
	s.upgraded = &Upgrade{From: version, To: schemaVersion, KeptAs: kept}
	return nil
}

// copyAsItIs writes a consistent copy of the open file to a new file at
// path, mode 0600, and copies the key file beside it under its name.
func (s *Store) copyAsItIs(path string) error {
	partial := path + ".partial"
	os.Remove(partial)
	f, err := os.OpenFile(partial, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	err = s.view(func(tx *bolt.Tx) error { _, err := tx.WriteTo(f); return err })
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(partial, path)
	}
	if err != nil {
		os.Remove(partial)
		return err
	}
	if err := copyNewFile(s.KeyPath(), secrets.KeyPath(path)); err != nil && !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return osfile.SyncName(path)
}
