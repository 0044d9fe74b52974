package store

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/record"
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
		_, err = s.DeviceEnterCode(tAdmin, ready[i], view.Digits)
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
func tamper(t *testing.T, src string, edit func(audit *trail, meta *bolt.Bucket) error) *Store {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "tampered.db")
	copyFile(t, src, dst)
	db, err := bolt.Open(dst, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error { return edit(openTrail(tx), tx.Bucket(bucketMeta)) }); err != nil {
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

// readEntry reads an entry as the store's readers do, PrevHash included.
func readEntry(t *testing.T, tr *trail, seq uint64) model.AuditEntry {
	t.Helper()
	e, err := tr.entryAt(tr.entries.Cursor(), seq)
	if err != nil {
		t.Fatalf("entry %d: %v", seq, err)
	}
	return e.AuditEntry
}

// writeEntry stores an entry in place of entry seq, its link made from
// its PrevHash. An entry in a run of several is split out of it: the run
// is stored again as the entries before it, it, and those after it.
func writeEntry(t *testing.T, tr *trail, seq uint64, e model.AuditEntry) error {
	t.Helper()
	c := tr.entries.Cursor()
	k, v := c.Seek(record.ID(seq))
	if k == nil || record.ParseID(k) > seq {
		k, v = c.Prev()
	}
	run, err := tr.run(k, v)
	if err != nil {
		t.Fatalf("entry %d: %v", seq, err)
	}
	i := seq - record.ParseID(k)
	run[i].AuditEntry, run[i].link = e, nil
	if err := tr.entries.Delete(k); err != nil {
		return err
	}
	for _, piece := range [][]storedEntry{run[:i], run[i : i+1], run[i+1:]} {
		if len(piece) == 0 {
			continue
		}
		actor, err := tr.actorID(piece[0].Actor)
		if err != nil {
			t.Fatal(err)
		}
		v, err := encodeAuditRun(piece, actor)
		if err != nil {
			t.Fatal(err)
		}
		if err := tr.entries.Put(record.ID(piece[0].Seq), v); err != nil {
			return err
		}
	}
	return nil
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
		s := tamper(t, path, func(*trail, *bolt.Bucket) error { return nil })
		if st := tVerify(t, s); st.Entries != entries {
			t.Errorf("%d entries, want %d", st.Entries, entries)
		}
	})
	t.Run("field changed", func(t *testing.T) {
		s := tamper(t, path, func(audit *trail, _ *bolt.Bucket) error {
			e := readEntry(t, audit, n)
			e.Note = "nothing to see here"
			return writeEntry(t, audit, n, e)
		})
		wantChainError(t, s, n, "was changed after it was written")
	})
	t.Run("actor changed", func(t *testing.T) {
		s := tamper(t, path, func(audit *trail, _ *bolt.Bucket) error {
			e := readEntry(t, audit, n)
			e.Actor = "someone else"
			return writeEntry(t, audit, n, e)
		})
		wantChainError(t, s, n, "was changed after it was written")
	})
	t.Run("entry deleted", func(t *testing.T) {
		s := tamper(t, path, func(audit *trail, _ *bolt.Bucket) error { return audit.entries.Delete(record.ID(n)) })
		wantChainError(t, s, n, "is missing")
	})
	t.Run("first entry deleted", func(t *testing.T) {
		s := tamper(t, path, func(audit *trail, _ *bolt.Bucket) error { return audit.entries.Delete(record.ID(1)) })
		wantChainError(t, s, 1, "is missing")
	})
	t.Run("last entry deleted", func(t *testing.T) {
		s := tamper(t, path, func(audit *trail, _ *bolt.Bucket) error { return audit.entries.Delete(record.ID(entries)) })
		wantChainError(t, s, entries, "missing")
	})
	t.Run("last entries deleted and head rewritten", func(t *testing.T) {
		// The chain alone cannot see a cut end with its head moved back;
		// the replay can, when the entries cut changed a record (here the
		// last one removed a key). Evidence_test.go has the cut that only
		// an anchor finds.
		s := tamper(t, path, func(audit *trail, meta *bolt.Bucket) error {
			last := readEntry(t, audit, entries-1)
			if err := audit.entries.Delete(record.ID(entries)); err != nil {
				return err
			}
			head, err := hex.DecodeString(last.Hash)
			if err != nil {
				return err
			}
			return meta.Put(metaAuditHead, head)
		})
		_, err := s.VerifyAudit()
		var bad *RecordsError
		if !errors.As(err, &bad) || !strings.Contains(err.Error(), "changed outside keydesk") {
			t.Errorf("VerifyAudit = %v, want a *RecordsError naming the key the cut entry removed", err)
		}
	})
	t.Run("entry changed and its hash recomputed", func(t *testing.T) {
		s := tamper(t, path, func(audit *trail, _ *bolt.Bucket) error {
			e := readEntry(t, audit, n)
			e.Note = "rewritten"
			e.Hash = e.ComputeHash()
			return writeEntry(t, audit, n, e)
		})
		wantChainError(t, s, n+1, "does not follow the entry before it")
	})
	t.Run("entry changed, its hash recomputed and the next entry's link forged", func(t *testing.T) {
		// The link only says where the chain broke: the next entry's hash
		// covers the previous hash in full.
		s := tamper(t, path, func(audit *trail, _ *bolt.Bucket) error {
			e := readEntry(t, audit, n)
			e.Note = "rewritten"
			e.Hash = e.ComputeHash()
			if err := writeEntry(t, audit, n, e); err != nil {
				return err
			}
			next := slices.Clone(audit.entries.Get(record.ID(n + 1)))
			copy(record.StoredLink(next), record.StoredHashRaw(audit.entries.Get(record.ID(n))))
			return audit.entries.Put(record.ID(n+1), next)
		})
		wantChainError(t, s, n+1, "was changed after it was written")
	})
	t.Run("actor renamed in the actor table", func(t *testing.T) {
		s := tamper(t, path, func(audit *trail, _ *bolt.Bucket) error {
			number := slices.Clone(audit.actors.Get([]byte(tAdminName)))
			if err := audit.actors.Delete([]byte(tAdminName)); err != nil {
				return err
			}
			return audit.actors.Put([]byte("someone else"), number)
		})
		wantChainError(t, s, 1, "was changed after it was written")
	})
	t.Run("actor removed from the actor table", func(t *testing.T) {
		s := tamper(t, path, func(audit *trail, _ *bolt.Bucket) error { return audit.actors.Delete([]byte(tAdminName)) })
		wantChainError(t, s, 1, "cannot be read")
	})
	t.Run("entry stored under another number", func(t *testing.T) {
		s := tamper(t, path, func(audit *trail, _ *bolt.Bucket) error {
			return audit.entries.Put(record.ID(n), audit.entries.Get(record.ID(n+1)))
		})
		wantChainError(t, s, n, "does not follow the entry before it")
	})
	t.Run("entry unreadable", func(t *testing.T) {
		s := tamper(t, path, func(audit *trail, _ *bolt.Bucket) error {
			return audit.entries.Put(record.ID(n), []byte{record.AuditRunFormat, 0xff})
		})
		wantChainError(t, s, n, "cannot be read")
	})
}

// The previous hash is not stored: every reader fills it in from the entry
// before, and an entry's hash only matches its content with the right one.
func TestAuditReadersFillPrevHash(t *testing.T) {
	s, _ := tOpen(t)
	if err := s.FillDemo(tAdmin, 60, 40); err != nil {
		t.Fatal(err)
	}
	oldest := tAudit(t, s)
	for i, e := range oldest {
		want := ""
		if i > 0 {
			want = oldest[i-1].Hash
		}
		if e.PrevHash != want || e.ComputeHash() != e.Hash {
			t.Fatalf("AuditOldestFirst, entry %d: PrevHash %q, want %q (hash matches: %v)", e.Seq, e.PrevHash, want, e.ComputeHash() == e.Hash)
		}
	}

	// Histories come from the per-key and per-employee records: each holds
	// exactly the entries about it, newest first, as the whole trail has them.
	reversed := slices.Clone(oldest)
	slices.Reverse(reversed)
	snap, _ := s.Snapshot()
	check := func(what string, id uint64, got []model.AuditEntry, about func(model.AuditEntry) uint64) {
		t.Helper()
		var want []model.AuditEntry
		for _, e := range reversed {
			if about(e) == id {
				want = append(want, e)
			}
		}
		if len(want) == 0 || !reflect.DeepEqual(got, want) {
			t.Errorf("%s %d: history of %d entries, want the trail's %d", what, id, len(got), len(want))
		}
	}
	for _, k := range snap.Keys {
		got, err := s.KeyHistory(k.ID)
		if err != nil {
			t.Fatal(err)
		}
		check("key", k.ID, got, func(e model.AuditEntry) uint64 { return e.KeyID })
	}
	for _, p := range snap.Employees {
		got, err := s.EmployeeHistory(p.ID)
		if err != nil {
			t.Fatal(err)
		}
		check("employee", p.ID, got, func(e model.AuditEntry) uint64 { return e.EmployeeID })
	}
	if got, err := s.KeyHistory(999_999); err != nil || len(got) != 0 {
		t.Errorf("history of an unknown key: %d entries, %v", len(got), err)
	}
}

func TestVerifyAuditEmptyDatabase(t *testing.T) {
	s, _ := tOpen(t)
	if st := tVerify(t, s); st.Entries != 0 || st.HeadHash != "" {
		t.Errorf("empty database: %+v", st)
	}
}
