package store

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"github.com/keydesk/keydesk/store/index"
	"github.com/keydesk/keydesk/store/migrate"
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

// writePlainKeyIndexes puts the keys' unique indexes back in the layout
// of schemas before 8, one entry per value, the id as a uvarint. A bucket
// already in that layout is left as it is.
func writePlainKeyIndexes(tx *bolt.Tx) error {
	for _, name := range [][]byte{bucketSerials, bucketMACs, bucketRFIDs} {
		var all []index.Entry
		err := tx.Bucket(name).ForEach(func(k, v []byte) error {
			run, err := index.DecodeRun(v)
			if err != nil || len(run) == 0 || !bytes.Equal(run[0].Value, k) {
				all = nil
				return errAlreadyPlain
			}
			for _, e := range run {
				all = append(all, index.Entry{Value: bytes.Clone(e.Value), ID: e.ID})
			}
			return nil
		})
		if err == errAlreadyPlain {
			continue
		}
		if err != nil {
			return err
		}
		b, err := migrate.EmptyBucket(tx, name)
		if err != nil {
			return err
		}
		for _, e := range all {
			if err := b.Put(e.Value, record.IndexValue(e.ID)); err != nil {
				return err
			}
		}
	}
	return nil
}

var errAlreadyPlain = errors.New("the index is in the plain layout already")

// keyIndexContents is every value of the three key indexes and its id.
func keyIndexContents(t *testing.T, s *Store) map[string]map[string]uint64 {
	t.Helper()
	all := map[string]map[string]uint64{}
	err := s.db.View(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketSerials, bucketMACs, bucketRFIDs} {
			if !s.plainKeyIndexes {
				all[string(name)] = tIndexEntries(t, tx, name)
				continue
			}
			plain := map[string]uint64{}
			if err := tx.Bucket(name).ForEach(func(k, v []byte) error {
				plain[string(k)] = record.IndexID(v)
				return nil
			}); err != nil {
				return err
			}
			all[string(name)] = plain
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return all
}

// A schema 7 database (one index entry per value) reads as it is
// read-only, and is upgraded on a writable open: same values, same ids,
// lookups and changes work.
func TestMigrateSchemaV7(t *testing.T) {
	s, _ := tOpenSchema8(t)
	if err := s.FillDemo(tAdmin, 300, 100); err != nil {
		t.Fatal(err)
	}
	want := keyIndexContents(t, s)
	if len(want["idx_serial"]) != 300 || len(want["idx_mac"]) == 0 || len(want["idx_rfid"]) == 0 {
		t.Fatalf("the demo's indexes: %d serials, %d MACs, %d RFIDs", len(want["idx_serial"]), len(want["idx_mac"]), len(want["idx_rfid"]))
	}
	key := tKey(t, s, "ST10100002310150")
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
	db.View(func(tx *bolt.Tx) error {
		if n := tx.Bucket(bucketSerials).Stats().KeyN; n != 300 {
			t.Errorf("the schema 7 serial index has %d entries, want 300", n)
		}
		return nil
	})
	db.Close()

	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("a read-only open of schema 7: %v", err)
	}
	if got := keyIndexContents(t, ro); !reflect.DeepEqual(got, want) {
		t.Error("read-only, schema 7's indexes read otherwise")
	}
	if got := tKey(t, ro, key.Serial); got.ID != key.ID {
		t.Errorf("read-only, serial %s names key %d, want %d", key.Serial, got.ID, key.ID)
	}
	ro.Close()

	s, err = Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if got := keyIndexContents(t, s); !reflect.DeepEqual(got, want) {
		t.Error("the upgrade changed the indexes' values or ids")
	}
	s.db.View(func(tx *bolt.Tx) error {
		if n := tx.Bucket(bucketSerials).Stats().KeyN; n > 300*20/index.RunBytes+1 {
			t.Errorf("the upgraded serial index has %d entries for 300 serials", n)
		}
		return nil
	})
	if got := tKey(t, s, key.Serial); got.ID != key.ID {
		t.Errorf("serial %s names key %d, want %d", key.Serial, got.ID, key.ID)
	}
	if _, err := s.SetKeyRFID(tAdmin, Serial(key.Serial), "RF-NEW-1"); err != nil {
		t.Fatal(err)
	}
	want["idx_rfid"]["RF-NEW-1"] = key.ID
	delete(want["idx_rfid"], key.RFID)
	if got := keyIndexContents(t, s); !reflect.DeepEqual(got, want) {
		t.Error("after an RFID change, the indexes are not as they should be")
	}
	tVerify(t, s)
}
