package store

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

// TestUpgradeKeepsTheFileAsItWas: opening a file of schema 7 for writing
// keeps a copy of it, byte for byte, with its key file, before upgrading
// it; a file of this schema gets none.
func TestUpgradeKeepsTheFileAsItWas(t *testing.T) {
	s, _ := tOpenSchema8(t)
	tKeyIn(t, s, "K-1", "Ann", model.Reserved)
	path := s.Path()
	s.Close()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		if err := writePlainKeyIndexes(tx); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(metaSchema, record.ID(7))
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s, err = Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	up := s.Upgraded()
	s.Close()
	if up == nil || up.From != 7 || up.To != schemaVersion || !strings.HasSuffix(up.KeptAs, fmt.Sprintf(".before-schema-%d.db", schemaVersion)) {
		t.Fatalf("upgrade: %+v", up)
	}
	// The copy holds the same data (bbolt's WriteTo may lay free pages
	// out otherwise), of schema 7, with its key file beside it.
	old, err := Open(up.KeptAs, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("the kept copy does not open: %v", err)
	}
	defer old.Close()
	if !old.plainKeyIndexes {
		t.Error("the kept copy is not of schema 7")
	}
	if err := old.SecretsProblem(); err != nil {
		t.Errorf("the kept copy's codes do not open: %v", err)
	}
	if k, err := old.Key("K-1"); err != nil || k.Status != model.Reserved {
		t.Errorf("the kept copy's key: %+v, %v", k, err)
	}
	if _, err := os.Stat(up.KeptAs + ".partial"); err == nil {
		t.Error("the partial copy is left behind")
	}

	again, err := Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if again.Upgraded() != nil {
		t.Errorf("a file of this schema was upgraded again: %+v", again.Upgraded())
	}
}
