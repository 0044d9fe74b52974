package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

func TestDataSurvivesReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keydesk.db")
	s, err := Open(path, Options{Now: func() time.Time { return tStart }})
	if err != nil {
		t.Fatal(err)
	}
	code := tKeyIn(t, s, "SN-A1", "Jane", model.Reserved)
	tImportKeys(t, s, "SN-B2")
	before, _ := s.Snapshot()
	audit := tVerify(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(path, Options{Now: func() time.Time { return tStart }})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	after, _ := s.Snapshot()
	if !reflect.DeepEqual(before, after) {
		t.Errorf("snapshot changed across reopen:\n%+v\n%+v", before, after)
	}
	if st := tVerify(t, s); st != audit {
		t.Errorf("audit %+v after reopen, was %+v", st, audit)
	}
	// The code survived too, and the chain goes on from the stored head.
	if _, err := s.DeviceEnterCode(tAdmin, "SN-A1", code); err != nil {
		t.Errorf("the code after reopen: %v", err)
	}
	if st := tVerify(t, s); st.Entries != audit.Entries+1 {
		t.Errorf("%d entries after one more change, want %d", st.Entries, audit.Entries+1)
	}
}

func TestSchemaVersion(t *testing.T) {
	s, _ := tOpen(t)
	var version uint64
	s.DB().View(func(tx *bolt.Tx) error {
		version = record.ParseID(tx.Bucket(bucketMeta).Get(metaSchema))
		return nil
	})
	if version != schemaVersion {
		t.Errorf("schema version %d, want %d", version, schemaVersion)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Reopening an up-to-date file runs no migration and keeps the version.
	s2, err := Open(s.Path(), Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	s2.Close()
}

func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keydesk.db")
	s, err := Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(metaSchema, record.ID(99)) })
	db.Close()

	_, err = Open(path, Options{NoSync: true})
	if err == nil {
		t.Fatal("a database from a newer keydesk was opened")
	}
	for _, want := range []string{path, "newer keydesk", "schema 99", fmt.Sprintf("knows %d", schemaVersion)} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q does not say %q", err, want)
		}
	}
	// The refusal let go of the file and did not touch the version.
	db, err = bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatalf("the file is still locked after the refused Open: %v", err)
	}
	defer db.Close()
	db.View(func(tx *bolt.Tx) error {
		if v := record.ParseID(tx.Bucket(bucketMeta).Get(metaSchema)); v != 99 {
			t.Errorf("schema version rewritten to %d", v)
		}
		return nil
	})
}

// bbolt's flock belongs to the open file description, so a second Open in
// the same process waits like another program would.
func TestSecondOpenIsInUse(t *testing.T) {
	s, _ := tOpen(t)
	_, err := Open(s.Path(), Options{LockTimeout: 100 * time.Millisecond})
	var inUse *InUseError
	if !errors.As(err, &inUse) {
		t.Fatalf("second Open = %v (%T), want *InUseError", err, err)
	}
	if inUse.Path != s.Path() || err.Error() != "the database "+s.Path()+" is in use by another keydesk program" {
		t.Errorf("InUseError %q", err)
	}
	// Once the first lets go, the file opens.
	s.Close()
	s2, err := Open(s.Path(), Options{LockTimeout: time.Second})
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	s2.Close()
}

func TestFileModeIs0600(t *testing.T) {
	s, _ := tOpen(t)
	fi, err := os.Stat(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
}

// The map is reserved up front; the file itself must still grow only
// with the data.
func TestEmptyDatabaseIsSmall(t *testing.T) {
	s, _ := tOpen(t)
	fi, err := os.Stat(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() > 2<<20 {
		t.Errorf("an empty database takes %d bytes", fi.Size())
	}
}

func TestOpenNotADatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(path, []byte(strings.Repeat("not a database\n", 1000)), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(path, Options{LockTimeout: 100 * time.Millisecond})
	if err == nil || !strings.HasPrefix(err.Error(), "cannot open the database "+path) {
		t.Errorf("Open(text file) = %v", err)
	}
}
