package migrate

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keydesk/keydesk/store/secrets"
	bolt "go.etcd.io/bbolt"
)

// failing is a Store whose first step fails; the steps after it must not run.
type failing struct{ Store }

var errNoBuckets = errors.New("no room for buckets")

func (failing) CreateBuckets(*bolt.Tx) error { return errNoBuckets }

func tDB(t *testing.T) *bolt.DB {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "k.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// A step's error says which schema the upgrade was going to, and wraps
// the step's own.
func TestRunSaysWhichStepFailed(t *testing.T) {
	err := tDB(t).Update(func(tx *bolt.Tx) error { return Run(tx, 0, Latest, failing{}) })
	if !errors.Is(err, errNoBuckets) || err.Error() != "upgrading the database to schema 1: no room for buckets" {
		t.Errorf("Run: %v", err)
	}
	if err := tDB(t).Update(func(tx *bolt.Tx) error { return Run(tx, 3, 3, failing{}) }); err != nil {
		t.Errorf("Run with nothing to do: %v", err)
	}
}

// A step that needs the key file gets it, made if asked; without it, the
// error names the file and says why.
func TestWithKeyFile(t *testing.T) {
	db := tDB(t)
	path := secrets.KeyPath(db.Path())
	var got *secrets.Box
	step := func(tx *bolt.Tx, st Store, box *secrets.Box, p string) error {
		if p != path {
			t.Errorf("the step is given %s, want %s", p, path)
		}
		got = box
		return nil
	}
	err := db.Update(func(tx *bolt.Tx) error {
		return withKeyFile(false, "the key file %s is needed: %v", step)(tx, nil)
	})
	if err == nil || !strings.HasPrefix(err.Error(), "the key file "+path+" is needed: ") || got != nil {
		t.Errorf("without a key file: %v (the step ran: %v)", err, got != nil)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("loading made the key file (%v)", err)
	}
	for _, create := range []bool{true, false} {
		got = nil
		err = db.Update(func(tx *bolt.Tx) error { return withKeyFile(create, "%s: %v", step)(tx, nil) })
		if err != nil || got == nil {
			t.Errorf("create %v: %v (the step ran: %v)", create, err, got != nil)
		}
	}
}
