package store

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/keydesk/keydesk/model"
	bolt "go.etcd.io/bbolt"
)

var metaAuditHead = []byte("audit_head")

// appendAudit seals an entry after the current head of the chain and
// writes it, with its history indexes, in the caller's transaction.
func (s *Store) appendAudit(tx *bolt.Tx, e model.AuditEntry) error {
	audit := tx.Bucket(bucketAudit)
	audit.FillPercent = 1 // append-only: pack pages full
	seq, err := audit.NextSequence()
	if err != nil {
		return err
	}
	e.Seq = seq
	if e.Time.IsZero() {
		e.Time = s.now()
	}
	e.Seal(string(tx.Bucket(bucketMeta).Get(metaAuditHead)))
	if err := audit.Put(itob(seq), encodeAudit(e)); err != nil {
		return err
	}
	if err := tx.Bucket(bucketMeta).Put(metaAuditHead, []byte(e.Hash)); err != nil {
		return err
	}
	if s.heldHistory != nil {
		s.heldHistory.add(e.KeyID, e.EmployeeID, seq)
		return nil
	}
	tx.Bucket(bucketAuditKey).FillPercent = indexFillPercent
	tx.Bucket(bucketAuditEmp).FillPercent = indexFillPercent
	if e.KeyID != 0 {
		if err := tx.Bucket(bucketAuditKey).Put(pair(e.KeyID, seq), nil); err != nil {
			return err
		}
	}
	if e.EmployeeID != 0 {
		if err := tx.Bucket(bucketAuditEmp).Put(pair(e.EmployeeID, seq), nil); err != nil {
			return err
		}
	}
	return nil
}

func pair(id, seq uint64) []byte {
	return append(itob(id), itob(seq)...)
}

// historyIndex holds back the history index entries of a transaction that
// writes a whole history at once (FillDemo), to write them in key order at
// its end. Until commit, bbolt keeps a bucket's new entries in one node,
// and each insert in the middle moves every entry after it: 100,000 keys'
// histories took a minute that way. Nothing reads these indexes inside a
// write transaction, so holding them back changes no result.
type historyIndex struct {
	byKey, byEmployee [][]byte
}

func (h *historyIndex) add(keyID, employeeID, seq uint64) {
	if keyID != 0 {
		h.byKey = append(h.byKey, pair(keyID, seq))
	}
	if employeeID != 0 {
		h.byEmployee = append(h.byEmployee, pair(employeeID, seq))
	}
}

func (h *historyIndex) write(tx *bolt.Tx) error {
	for _, ix := range []struct {
		bucket  []byte
		entries [][]byte
	}{{bucketAuditKey, h.byKey}, {bucketAuditEmp, h.byEmployee}} {
		b := tx.Bucket(ix.bucket)
		b.FillPercent = indexFillPercent
		slices.SortFunc(ix.entries, bytes.Compare)
		for _, k := range ix.entries {
			if err := b.Put(k, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// ChainError says where the audit chain stops verifying.
type ChainError struct {
	Seq uint64
	Msg string
}

func (e *ChainError) Error() string {
	return fmt.Sprintf("audit entry %d: %s", e.Seq, e.Msg)
}

// AuditState is the result of checking the whole chain.
type AuditState struct {
	Entries  uint64
	HeadHash string
}

// VerifyAudit walks the chain from the first entry: each entry's hash must
// match its content, point at the one before, and sequence numbers must
// have no gap. The head recorded in meta must be the last entry, so that
// cutting entries off the end is detected too.
func (s *Store) VerifyAudit() (AuditState, error) {
	var st AuditState
	err := s.db.View(func(tx *bolt.Tx) error {
		prev := ""
		want := uint64(1)
		c := tx.Bucket(bucketAudit).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			e, err := decodeAudit(v)
			if err != nil {
				return &ChainError{Seq: btoi(k), Msg: "the entry cannot be read"}
			}
			switch {
			case e.Seq != btoi(k):
				return &ChainError{Seq: btoi(k), Msg: fmt.Sprintf("is stored under number %d but says %d", btoi(k), e.Seq)}
			case e.Seq != want:
				return &ChainError{Seq: want, Msg: "is missing (entries were removed)"}
			case e.PrevHash != prev:
				return &ChainError{Seq: e.Seq, Msg: "does not follow the entry before it (an entry was changed or removed)"}
			case e.ComputeHash() != e.Hash:
				return &ChainError{Seq: e.Seq, Msg: "was changed after it was written"}
			}
			prev = e.Hash
			want++
			st.Entries++
		}
		if head := string(tx.Bucket(bucketMeta).Get(metaAuditHead)); head != prev {
			return &ChainError{Seq: want, Msg: "and later entries are missing (the trail was cut short)"}
		}
		st.HeadHash = prev
		return nil
	})
	return st, err
}

// AuditNewestFirst calls fn with entries from the newest back until fn
// returns false.
func (s *Store) AuditNewestFirst(fn func(model.AuditEntry) bool) error {
	return s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketAudit).Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			e, err := decodeAudit(v)
			if err != nil {
				return err
			}
			if !fn(e) {
				return nil
			}
		}
		return nil
	})
}

// AuditOldestFirst calls fn with every entry in order, for exports.
func (s *Store) AuditOldestFirst(fn func(model.AuditEntry) error) error {
	return s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketAudit).ForEach(func(_, v []byte) error {
			e, err := decodeAudit(v)
			if err != nil {
				return err
			}
			return fn(e)
		})
	})
}

// KeyHistory is the audit trail of one key, newest first.
func (s *Store) KeyHistory(keyID uint64) ([]model.AuditEntry, error) {
	return s.history(bucketAuditKey, keyID)
}

// EmployeeHistory is the audit trail of one employee, newest first.
func (s *Store) EmployeeHistory(employeeID uint64) ([]model.AuditEntry, error) {
	return s.history(bucketAuditEmp, employeeID)
}

func (s *Store) history(index []byte, id uint64) ([]model.AuditEntry, error) {
	var out []model.AuditEntry
	err := s.db.View(func(tx *bolt.Tx) error {
		audit := tx.Bucket(bucketAudit)
		c := tx.Bucket(index).Cursor()
		prefix := itob(id)
		// Seek past the last entry of this id, then walk back.
		k, _ := c.Seek(itob(id + 1))
		if k == nil {
			k, _ = c.Last()
		} else {
			k, _ = c.Prev()
		}
		for ; k != nil && string(k[:8]) == string(prefix); k, _ = c.Prev() {
			e, err := decodeAudit(audit.Get(k[8:]))
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}
