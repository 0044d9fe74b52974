package store

import (
	"errors"
	"strings"
	"testing"

	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

// A record that does not decode is named in the error: its bucket and id.
func TestDamagedRecordIsNamed(t *testing.T) {
	s, _ := tOpen(t)
	tImportKeys(t, s, "SN-1", "SN-2")
	tAddEmployee(t, s, "Ann")
	for _, c := range []struct {
		bucket []byte
		id     uint64
		read   func() error
	}{
		{bucketKeys, 2, func() error { _, err := s.Key("SN-2"); return err }},
		{bucketEmployees, 1, func() error { _, err := s.Employee(tEmail("Ann")); return err }},
	} {
		if err := s.db.Update(func(tx *bolt.Tx) error {
			b := tx.Bucket(c.bucket)
			v := b.Get(record.ID(c.id))
			return b.Put(record.ID(c.id), v[:len(v)/2]) // cut in the middle of a field
		}); err != nil {
			t.Fatal(err)
		}
		err := c.read()
		var named *record.DamagedRecordError
		if !errors.As(err, &named) || !errors.Is(err, record.ErrCorrupt) {
			t.Fatalf("%s: %v, want a record.DamagedRecordError", c.bucket, err)
		}
		for _, want := range []string{string(c.bucket), "id " + string(rune('0'+c.id))} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%q does not name %q", err, want)
			}
		}
		if _, err := s.Snapshot(); !errors.As(err, &named) {
			t.Errorf("snapshot: %v, want the damaged record named", err)
		}
	}
}
