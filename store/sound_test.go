package store

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

// soundBase is a database with some history whose newest entry is about
// key K-SOUND and employee Sound: an assignment. It returns the file and,
// read from it, the stored bytes that the damages below flip.
func soundBase(t *testing.T) (path string, newestEntry, keyRecord []byte) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "k.db")
	s, err := Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.FillDemo(tAdmin, 200, 120); err != nil {
		t.Fatal(err)
	}
	tImportKeys(t, s, "K-SOUND")
	tAddEmployee(t, s, "Sound")
	if _, err := s.AssignKey(tAdmin, Serial("K-SOUND"), tEmail("Sound")); err != nil {
		t.Fatal(err)
	}
	k, err := s.Key("K-SOUND")
	if err != nil {
		t.Fatal(err)
	}
	err = s.view(func(tx *bolt.Tx) error {
		_, v := tx.Bucket(bucketAudit).Cursor().Last()
		newestEntry = bytes.Clone(v)
		keyRecord = bytes.Clone(tx.Bucket(bucketKeys).Get(record.ID(k.ID)))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	return path, newestEntry, keyRecord
}

// flipAt flips the low bit of the byte at i of the first place where
// value is stored in the file (after prefix, when given).
func flipAt(t *testing.T, data, prefix, value []byte, i int) {
	t.Helper()
	at := bytes.Index(data, append(bytes.Clone(prefix), value...))
	if at < 0 {
		t.Fatal("the value to damage is not in the file as one piece")
	}
	data[at+len(prefix)+i] ^= 0x01
}

// A file with flipped bytes is refused for writing, saying so and what
// to do, and is left as it was; reading it goes on where it can.
func TestADamagedFileIsRefusedForWriting(t *testing.T) {
	base, newestEntry, keyRecord := soundBase(t)
	original, err := os.ReadFile(base)
	if err != nil {
		t.Fatal(err)
	}
	st, err := Open(base, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	var head []byte
	var used int64 // the pages in use: the file is grown ahead of them
	st.view(func(tx *bolt.Tx) error {
		head = bytes.Clone(tx.Bucket(bucketMeta).Get(metaAuditHead))
		used = tx.Size()
		return nil
	})
	st.Close()

	for _, c := range []struct {
		name   string
		damage func(data []byte) []byte
		says   string // in the refusal
	}{
		{"the newest audit entry", func(d []byte) []byte {
			// In its shared fields: since schema 10 the middle of the value
			// is the entry's seal, whose signature only audit verify checks
			// (as when seals were kept in audit_seals).
			flipAt(t, d, nil, newestEntry, 5)
			return d
		}, "audit entry"},
		{"the head the file records", func(d []byte) []byte {
			flipAt(t, d, metaAuditHead, head, 5)
			return d
		}, "audit head"},
		{"the history head of the key the newest entry is about", func(d []byte) []byte {
			flipAt(t, d, nil, keyRecord, 1)
			return d
		}, "K-SOUND"},
		{"pages overwritten", func(d []byte) []byte {
			for page := 4; page < 12 && (page+1)*4096 <= len(d); page++ {
				for i := range 4096 {
					d[page*4096+i] = byte(i*7 + 3)
				}
			}
			return d
		}, ""},
		{"cut short", func(d []byte) []byte { return d[:used/2] }, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "k.db")
			damaged := c.damage(bytes.Clone(original))
			if err := os.WriteFile(path, damaged, 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := Open(path, Options{NoSync: true})
			if err != nil {
				t.Logf("refused at open: %v", err)
				return
			}
			// Opening commits an empty migration, which moves bbolt's
			// meta page: the file as the write found it is the one after.
			opened, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.AddEmployee(tAdmin, tPerson("Late"), "")
			var bad *DamagedFileError
			var panicked *DamagedError
			switch {
			case errors.As(err, &bad):
				msg := err.Error()
				for _, want := range []string{"is damaged", c.says, "Restore it from a backup", "keydesk audit verify"} {
					if !strings.Contains(msg, want) {
						t.Errorf("the refusal %q does not say %q", msg, want)
					}
				}
				t.Logf("refused: %v", err)
			case errors.As(err, &panicked):
				if c.says != "" {
					t.Errorf("refused by a broken page, not by the check: %v", err)
				}
			default:
				t.Fatalf("a write to a file with %s damaged: %v, want it refused as damaged", c.name, err)
			}
			if c.says != "" {
				if _, err := s.Snapshot(); err != nil {
					t.Errorf("reading the file with %s damaged: %v, want it to go on", c.name, err)
				}
			}
			s.Close()
			after, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(after, opened) {
				t.Error("the refused write changed the file")
			}
		})
	}

	// The same file undamaged takes the write: the check is no refusal
	// of everything.
	s, err := Open(base, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.AddEmployee(tAdmin, tPerson("Late"), ""); err != nil {
		t.Fatalf("a write to the undamaged file: %v", err)
	}
}

// Every kind of entry the trail holds at its head passes the check: a
// deleted employee, an import's run of entries, a device's event.
func TestTheCheckPassesEveryKindOfHead(t *testing.T) {
	for _, c := range []struct {
		name string
		do   func(t *testing.T, s *Store)
	}{
		{"an employee deleted", func(t *testing.T, s *Store) {
			tAddEmployee(t, s, "Gone")
			if err := s.DeleteEmployee(tAdmin, Email(tEmail("Gone"))); err != nil {
				t.Fatal(err)
			}
		}},
		{"an import", func(t *testing.T, s *Store) { tImportKeys(t, s, "I-1", "I-2", "I-3") }},
		{"a key activated", func(t *testing.T, s *Store) { tKeyIn(t, s, "A-1", "Act", model.Active) }},
		{"a key compromised", func(t *testing.T, s *Store) { tKeyIn(t, s, "C-1", "Comp", model.Compromised) }},
		{"a key withdrawn before use", func(t *testing.T, s *Store) {
			tKeyIn(t, s, "W-1", "With", model.Reserved)
			if _, err := s.RemoveKey(tAdmin, Serial("W-1"), model.Withdrawal, ""); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "k.db")
			s, err := Open(path, Options{NoSync: true})
			if err != nil {
				t.Fatal(err)
			}
			c.do(t, s)
			s.Close()
			s, err = Open(path, Options{NoSync: true})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if err := s.CheckSound(); err != nil {
				t.Fatalf("a sound file after %s: %v", c.name, err)
			}
		})
	}
}
