package store

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/keydesk/keydesk/store/osfile"
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

// bbolt leaves freed pages as they were: after schema 5 sealed the codes
// and the mail password stored plain before, their plain bytes would stay
// in the file, and in every backup of it, until the pages are reused. So a
// database upgraded from before schema 5 is rewritten once, page by page
// into a new file that holds only live data, which then takes its place.

// sealsPlainSecrets reports whether opening the database will run the
// schema 5 migration on existing data.
func (s *Store) sealsPlainSecrets() (bool, error) {
	var version uint64
	err := s.view(func(tx *bolt.Tx) error {
		if meta := tx.Bucket(bucketMeta); meta != nil {
			version = record.ParseID(meta.Get(metaSchema))
		}
		return nil
	})
	return version > 0 && version < 5, err
}

// scrub rewrites the open database into a new file beside it and puts
// that in its place. The store is closed after; the caller opens the path
// again.
func (s *Store) scrub() error {
	tmp := filepath.Join(filepath.Dir(s.path), "."+filepath.Base(s.path)+".scrub")
	os.Remove(tmp) // left by a scrub that was interrupted
	dst, err := bolt.Open(tmp, 0o600, nil)
	if err != nil {
		return err
	}
	err = s.guard(func() error { return bolt.Compact(dst, s.db.Load(), 64<<20) })
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = s.db.Close()
	}
	if err == nil {
		err = os.Rename(tmp, s.path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("cannot rewrite the database %s without its old plain codes: %v", s.path, osfile.Innermost(err))
	}
	return osfile.SyncName(s.path)
}
