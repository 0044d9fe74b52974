package store

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keydesk/keydesk/model"
	bolt "go.etcd.io/bbolt"
)

// The audit chain after a long history, and what each kind of tampering
// with the file makes VerifyAudit say.

// tLongHistory fills a database with the demo and then more work, closes
// it, and returns its path and the number of audit entries.
func tLongHistory(t *testing.T) (string, uint64) {
	t.Helper()
	s, _ := tOpen(t)
	if err := s.FillDemo(tAdmin, 500, 300); err != nil {
		t.Fatalf("FillDemo: %v", err)
	}
	demo := tVerify(t, s)
	if want := uint64(len(tAudit(t, s))); demo.Entries != want || demo.Entries < 800 {
		t.Fatalf("demo: VerifyAudit counts %d entries, the trail holds %d", demo.Entries, want)
	}

	// More work, each step writing a known number of entries.
	written := 0
	step := func(entries int, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		written += entries
	}
	snap, _ := s.Snapshot()
	var ready []string
	for _, k := range snap.Keys {
		if k.Status == model.Ready {
			ready = append(ready, k.Serial)
		}
	}
	for i := range 40 {
		name := fmt.Sprintf("Extra%02d", i)
		_, err := s.AddEmployee(tAdmin, tPerson(name), ready[i]) // created, assigned, code shown
		step(3, err)
		view, err := s.ShowCode(tAdmin, Serial(ready[i]))
		step(1, err)
		_, err = s.DeviceEnterCode(ready[i], view.Digits)
		step(1, err)
		if i%2 == 0 {
			_, err = s.RemoveKey(tAdmin, Serial(ready[i]), model.Withdrawal, "left")
			step(1, err)
			step(1, s.DeleteEmployee(tAdmin, Email(tEmail(name))))
		}
	}
	st := tVerify(t, s)
	if st.Entries != demo.Entries+uint64(written) {
		t.Fatalf("VerifyAudit counts %d entries, want %d + %d", st.Entries, demo.Entries, written)
	}
	if st.HeadHash == "" || st.HeadHash != tAudit(t, s)[st.Entries-1].Hash {
		t.Errorf("HeadHash %q is not the last entry's hash", st.HeadHash)
	}
	path := s.Path()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path, st.Entries
}

// tamper copies the database and edits the copy with bbolt directly.
func tamper(t *testing.T, src string, edit func(audit *bolt.Bucket, meta *bolt.Bucket) error) *Store {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "tampered.db")
	copyFile(t, src, dst)
	db, err := bolt.Open(dst, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error { return edit(tx.Bucket(bucketAudit), tx.Bucket(bucketMeta)) }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err := Open(dst, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

func readEntry(t *testing.T, audit *bolt.Bucket, seq uint64) model.AuditEntry {
	t.Helper()
	e, err := decodeAudit(audit.Get(itob(seq)))
	if err != nil {
		t.Fatalf("entry %d: %v", seq, err)
	}
	return e
}

func wantChainError(t *testing.T, s *Store, seq uint64, fragment string) {
	t.Helper()
	_, err := s.VerifyAudit()
	var ce *ChainError
	if !errors.As(err, &ce) {
		t.Fatalf("VerifyAudit = %v, want a *ChainError", err)
	}
	if ce.Seq != seq || !strings.Contains(ce.Error(), fragment) {
		t.Errorf("ChainError at %d: %q; want entry %d saying %q", ce.Seq, ce.Error(), seq, fragment)
	}
	if !strings.Contains(err.Error(), fmt.Sprintf("audit entry %d", seq)) {
		t.Errorf("message %q does not name entry %d", err, seq)
	}
}

func TestAuditChainDetectsTampering(t *testing.T) {
	path, entries := tLongHistory(t)
	const n = 700 // an entry in the middle of the trail

	t.Run("untouched copy verifies", func(t *testing.T) {
		s := tamper(t, path, func(*bolt.Bucket, *bolt.Bucket) error { return nil })
		if st := tVerify(t, s); st.Entries != entries {
			t.Errorf("%d entries, want %d", st.Entries, entries)
		}
	})
	t.Run("field changed", func(t *testing.T) {
		s := tamper(t, path, func(audit, _ *bolt.Bucket) error {
			e := readEntry(t, audit, n)
			e.Note = "nothing to see here"
			return audit.Put(itob(n), encodeAudit(e))
		})
		wantChainError(t, s, n, "was changed after it was written")
	})
	t.Run("actor changed", func(t *testing.T) {
		s := tamper(t, path, func(audit, _ *bolt.Bucket) error {
			e := readEntry(t, audit, n)
			e.Actor = "someone else"
			return audit.Put(itob(n), encodeAudit(e))
		})
		wantChainError(t, s, n, "was changed after it was written")
	})
	t.Run("entry deleted", func(t *testing.T) {
		s := tamper(t, path, func(audit, _ *bolt.Bucket) error { return audit.Delete(itob(n)) })
		wantChainError(t, s, n, "is missing")
	})
	t.Run("first entry deleted", func(t *testing.T) {
		s := tamper(t, path, func(audit, _ *bolt.Bucket) error { return audit.Delete(itob(1)) })
		wantChainError(t, s, 1, "is missing")
	})
	t.Run("last entry deleted", func(t *testing.T) {
		s := tamper(t, path, func(audit, _ *bolt.Bucket) error { return audit.Delete(itob(entries)) })
		wantChainError(t, s, entries, "missing")
	})
	t.Run("last entries deleted and head rewritten", func(t *testing.T) {
		// Cutting the end and pointing the head at the new last entry is
		// not detectable from the file alone; the state must then be
		// consistent and say how many entries remain.
		s := tamper(t, path, func(audit, meta *bolt.Bucket) error {
			last := readEntry(t, audit, entries-1)
			if err := audit.Delete(itob(entries)); err != nil {
				return err
			}
			return meta.Put(metaAuditHead, []byte(last.Hash))
		})
		if st := tVerify(t, s); st.Entries != entries-1 {
			t.Errorf("%d entries", st.Entries)
		}
	})
	t.Run("entry changed and its hash recomputed", func(t *testing.T) {
		s := tamper(t, path, func(audit, _ *bolt.Bucket) error {
			e := readEntry(t, audit, n)
			e.Note = "rewritten"
			e.Hash = e.ComputeHash()
			return audit.Put(itob(n), encodeAudit(e))
		})
		wantChainError(t, s, n+1, "does not follow the entry before it")
	})
	t.Run("entry stored under another number", func(t *testing.T) {
		s := tamper(t, path, func(audit, _ *bolt.Bucket) error {
			return audit.Put(itob(n), audit.Get(itob(n+1)))
		})
		wantChainError(t, s, n, "is stored under number")
	})
	t.Run("entry unreadable", func(t *testing.T) {
		s := tamper(t, path, func(audit, _ *bolt.Bucket) error { return audit.Put(itob(n), []byte{recordFormat, 0xff}) })
		wantChainError(t, s, n, "cannot be read")
	})
}

func TestVerifyAuditEmptyDatabase(t *testing.T) {
	s, _ := tOpen(t)
	if st := tVerify(t, s); st.Entries != 0 || st.HeadHash != "" {
		t.Errorf("empty database: %+v", st)
	}
}
