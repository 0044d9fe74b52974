package store

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

// The four tamperings of issue 12, each on a copy of a database edited
// with bbolt directly, and what finds each: the replay of the trail
// against the records, or an anchor (a head kept outside the file).

// tEvidence is a closed database whose trail ends with two showings of
// a code (entries that change no record), and its head before them and
// after.
func tEvidence(t *testing.T) (path string, beforeShows, head model.AuditAnchor) {
	t.Helper()
	s, _ := tOpen(t)
	if err := s.FillDemo(tAdmin, 60, 40); err != nil {
		t.Fatal(err)
	}
	const serial = "EVID1"
	tKeyIn(t, s, serial, "Evidence", model.Reserved)
	beforeShows = tHead(t, s)
	for range 2 {
		if _, err := s.ShowCode(tAdmin, Serial(serial)); err != nil {
			t.Fatal(err)
		}
	}
	head = tHead(t, s)
	if head.Seq != beforeShows.Seq+2 {
		t.Fatalf("head %v after two showings from %v", head, beforeShows)
	}
	path = s.Path()
	s.Close()
	return path, beforeShows, head
}

func tHead(t *testing.T, s *Store) model.AuditAnchor {
	t.Helper()
	h, err := s.AuditHead()
	if err != nil || h.Seq == 0 || len(h.Hash) != 64 {
		t.Fatalf("AuditHead = %v, %v", h, err)
	}
	return h
}

// tamperTx copies the database and edits the copy in one bbolt transaction.
func tamperTx(t *testing.T, src string, edit func(tx *bolt.Tx) error) *Store {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "tampered.db")
	copyFile(t, src, dst)
	db, err := bolt.Open(dst, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(edit); err != nil {
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

func wantAnchorError(t *testing.T, s *Store, a model.AuditAnchor, fragment string) {
	t.Helper()
	_, err := s.VerifyAudit(a)
	var ae *AnchorError
	if !errors.As(err, &ae) || ae.Anchor.Seq != a.Seq || !strings.Contains(err.Error(), fragment) {
		t.Errorf("VerifyAudit(%v) = %v, want an *AnchorError at %d saying %q", a, err, a.Seq, fragment)
	}
}

func wantRecordsError(t *testing.T, s *Store, fragments ...string) {
	t.Helper()
	_, err := s.VerifyAudit()
	var re *RecordsError
	if !errors.As(err, &re) {
		t.Fatalf("VerifyAudit = %v, want a *RecordsError", err)
	}
	for _, f := range fragments {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("VerifyAudit = %q, want it to say %q", err, f)
		}
	}
}

func TestUntouchedEvidenceVerifiesWithItsAnchors(t *testing.T) {
	path, before, head := tEvidence(t)
	s := tamperTx(t, path, func(*bolt.Tx) error { return nil })
	st, err := s.VerifyAudit(before, head)
	if err != nil {
		t.Fatalf("VerifyAudit: %v", err)
	}
	if st.Anchors != 2 || st.Keys != 61 || st.People != 41 {
		t.Errorf("checked %d anchors, %d keys, %d employees; want 2, 61, 41", st.Anchors, st.Keys, st.People)
	}
}

func TestCutTrailWithHeadMovedBackIsFoundByTheAnchor(t *testing.T) {
	path, before, head := tEvidence(t)
	s := tamperTx(t, path, func(tx *bolt.Tx) error {
		audit := tx.Bucket(bucketAudit)
		for seq := before.Seq + 1; seq <= head.Seq; seq++ {
			if err := audit.Delete(record.ID(seq)); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketMeta).Put(metaAuditHead, record.StoredHashRaw(audit.Get(record.ID(before.Seq))))
	})
	// The showings changed no record: the file alone verifies ...
	if _, err := s.VerifyAudit(); err != nil {
		t.Fatalf("VerifyAudit without anchors: %v", err)
	}
	if _, err := s.VerifyAudit(before); err != nil {
		t.Errorf("an anchor from before the cut: %v", err)
	}
	// ... the head kept outside does not.
	wantAnchorError(t, s, head, fmt.Sprintf("is missing: the trail ends at entry %d", before.Seq))
}

func TestRewrittenAndResealedTrailIsFoundByTheAnchor(t *testing.T) {
	path, before, head := tEvidence(t)
	const n = 30
	s := tamperTx(t, path, func(tx *bolt.Tx) error {
		tr := openTrail(tx)
		e := readEntry(t, tr, n)
		e.Note = "nothing happened"
		for seq := uint64(n); seq <= head.Seq; seq++ {
			if seq > n {
				e = readEntry(t, tr, seq) // PrevHash: the entry before as rewritten
			}
			e.Hash = e.ComputeHash()
			if err := writeEntry(t, tr, seq, e); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketMeta).Put(metaAuditHead, record.StoredHashRaw(tr.entries.Get(record.ID(head.Seq))))
	})
	if _, err := s.VerifyAudit(); err != nil {
		t.Fatalf("a re-sealed chain verifies without anchors, as the chain is unkeyed: %v", err)
	}
	wantAnchorError(t, s, head, "has a different hash now")
	wantAnchorError(t, s, before, "has a different hash now")
}

func TestEmptiedTrailWhileKeysExistIsFoundByTheReplay(t *testing.T) {
	path, _, _ := tEvidence(t)
	s := tamperTx(t, path, func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketAudit} {
			if err := tx.DeleteBucket(name); err != nil {
				return err
			}
			if _, err := tx.CreateBucket(name); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketMeta).Delete(metaAuditHead)
	})
	wantRecordsError(t, s, "key ST10100002310000 has no entry in the audit trail", "; and 204 more")
}

func TestKeyRecordChangedOutsideKeydeskIsNamed(t *testing.T) {
	path, _, _ := tEvidence(t)
	var serial string
	s := tamperTx(t, path, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketKeys).ForEach(func(id, v []byte) error {
			k, err := decodeKey(v)
			if err != nil || k.Status != model.Compromised || serial != "" {
				return err
			}
			serial = k.Serial
			k.Status, k.Reason = model.Active, model.NoReason
			return tx.Bucket(bucketKeys).Put(id, record.EncodeKey(k, historyHead(v)))
		})
	})
	if serial == "" {
		t.Fatal("the demo has no Compromised key")
	}
	wantRecordsError(t, s, "key "+serial+" is Active in its record, but the audit trail leaves it Compromised (")
}

func TestEmployeeRecordChangedOutsideKeydeskIsNamed(t *testing.T) {
	path, _, _ := tEvidence(t)
	s := tamperTx(t, path, func(tx *bolt.Tx) error {
		id := tx.Bucket(bucketEmails).Get([]byte(tEmail("Evidence")))
		id = record.ID(record.IndexID(id))
		v := tx.Bucket(bucketEmployees).Get(id)
		e, err := decodeEmployee(v)
		if err != nil {
			return err
		}
		e.KeyID = 0
		return tx.Bucket(bucketEmployees).Put(id, record.EncodeEmployee(e, historyHead(v)))
	})
	wantRecordsError(t, s, "employee "+tEmail("Evidence")+" holds key id 0 in their record")
}

// Demo databases of every size replay clean: the filler goes through the
// same transitions as real work.
func TestDemoDatabasesReplayClean(t *testing.T) {
	for _, n := range [][2]int{{0, 0}, {0, 5}, {5, 0}, {7, 7}, {300, 200}} {
		s, _ := tOpen(t)
		if err := s.FillDemo(tAdmin, n[0], n[1]); err != nil {
			t.Fatal(err)
		}
		st := tVerify(t, s)
		if st.Keys != n[0] || st.People != n[1] {
			t.Errorf("demo %v: checked %d keys, %d employees", n, st.Keys, st.People)
		}
	}
}
