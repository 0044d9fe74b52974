package migrate

import (
	"fmt"

	"github.com/keydesk/keydesk/store/osfile"

	"github.com/keydesk/keydesk/store/secrets"
	bolt "go.etcd.io/bbolt"
)

// keyedStep is a step that needs the key file beside the database: box
// holds it, path names it.
type keyedStep func(tx *bolt.Tx, st Store, box *secrets.Box, path string) error

// withKeyFile makes step a step that loads the key file first, or with
// create makes it when there is none. failure words the error: the key
// file's path, then why it could not be had.
func withKeyFile(create bool, failure string, step keyedStep) func(*bolt.Tx, Store) error {
	return func(tx *bolt.Tx, st Store) error {
		path := secrets.KeyPath(tx.DB().Path())
		var box *secrets.Box
		var err error
		if create {
			box, _, err = secrets.LoadOrCreate(path)
		} else {
			box, err = secrets.Load(path)
		}
		if err != nil {
			return fmt.Errorf(failure, path, osfile.Innermost(err))
		}
		return step(tx, st, box, path)
	}
}
