package store

import (
	"encoding/binary"
	"slices"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

// The history of a key or an employee is a chain through the trail: the
// record holds the number of the newest entry about it (its head), and
// each entry the number of the one before it about the same key and the
// same employee. (Until schema 7 two index buckets held the numbers, which
// every change had to rewrite too: six more pages to write and flush per
// operation, and a record per imported key.) The links are not covered by
// the hash: like an index, they only find entries, and the trail says what
// the entries are.

// historyHead is the head of a record in format 2; 0 for none.
func historyHead(rec []byte) uint64 {
	if len(rec) < 2 || rec[0] != record.EntityFormat {
		return 0
	}
	head, n := binary.Uvarint(rec[1:])
	if n <= 0 {
		return 0
	}
	return head
}

// withHead is record with its head replaced.
func withHead(rec []byte, head uint64) []byte {
	_, n := binary.Uvarint(rec[1:])
	out := make([]byte, 0, len(rec)+binary.MaxVarintLen64)
	out = append(out, rec[0])
	out = binary.AppendUvarint(out, head)
	return append(out, rec[1+n:]...)
}

// bucketDeletedHeads keeps the history heads of deleted employees, whose
// history stays readable.
var bucketDeletedHeads = []byte("deleted_history")

// pushHistory makes entry seq the head of record id in the bucket records
// and returns the head it replaces.
func pushHistory(tx *bolt.Tx, records []byte, id, seq uint64) (uint64, error) {
	if id == 0 {
		return 0, nil
	}
	if string(records) == string(bucketKeys) {
		touchKey(tx, id)
	} else {
		touchEmployee(tx, id)
	}
	b := tx.Bucket(records)
	if rec := b.Get(record.ID(id)); len(rec) >= 2 && rec[0] == record.EntityFormat {
		return historyHead(rec), b.Put(record.ID(id), withHead(rec, seq))
	}
	deleted := tx.Bucket(bucketDeletedHeads)
	prev, _ := binary.Uvarint(deleted.Get(record.ID(id)))
	return prev, deleted.Put(record.ID(id), binary.AppendUvarint(nil, seq))
}

// keepHistory keeps the head of a record that is being deleted.
func keepHistory(tx *bolt.Tx, rec []byte, id uint64) error {
	return tx.Bucket(bucketDeletedHeads).Put(record.ID(id), binary.AppendUvarint(nil, historyHead(rec)))
}

// headOf is the head of id's history, deleted or not.
func headOf(tx *bolt.Tx, records []byte, id uint64) uint64 {
	if rec := tx.Bucket(records).Get(record.ID(id)); rec != nil {
		return historyHead(rec)
	}
	head, _ := binary.Uvarint(tx.Bucket(bucketDeletedHeads).Get(record.ID(id)))
	return head
}

// KeyHistory is the audit trail of one key, newest first.
func (s *Store) KeyHistory(keyID uint64) ([]model.AuditEntry, error) {
	return s.history(bucketKeys, bucketAuditKey, keyID, func(e storedEntry) (uint64, uint64) { return e.KeyID, e.prevOfKey })
}

// EmployeeHistory is the audit trail of one employee, newest first.
func (s *Store) EmployeeHistory(employeeID uint64) ([]model.AuditEntry, error) {
	return s.history(bucketEmployees, bucketAuditEmp, employeeID, func(e storedEntry) (uint64, uint64) { return e.EmployeeID, e.prevOfEmployee })
}

// history walks id's chain from its head (or reads its index record, in
// a file of schemas 2 to 6 opened read-only). link says whom an entry is
// about and where the chain goes on.
func (s *Store) history(records, index []byte, id uint64, link func(storedEntry) (about, prev uint64)) ([]model.AuditEntry, error) {
	var out []model.AuditEntry
	err := s.view(func(tx *bolt.Tx) error {
		out = nil
		t := openTrail(tx)
		c := t.entries.Cursor()
		if old := tx.Bucket(index); old != nil {
			seqs, err := historySeqs(old.Get(record.ID(id)))
			for _, seq := range slices.Backward(seqs) {
				e, err := t.entryAt(c, seq)
				if err != nil {
					return err
				}
				out = append(out, e.AuditEntry)
			}
			return err
		}
		for seq := headOf(tx, records, id); seq != 0; {
			e, err := t.entryAt(c, seq)
			if err != nil {
				return err
			}
			about, prev := link(e)
			if about != id {
				return record.ErrCorrupt
			}
			out = append(out, e.AuditEntry)
			seq = prev
		}
		return nil
	})
	return out, err
}

// historySeqs decodes a history index record of schemas 2 to 6: the
// numbers of its entries, ascending, as uvarint differences; nil for none.
func historySeqs(v []byte) ([]uint64, error) {
	var seqs []uint64
	last := uint64(0)
	for len(v) > 0 {
		d, n := binary.Uvarint(v)
		if n <= 0 || d == 0 {
			return nil, record.ErrCorrupt
		}
		last += d
		seqs = append(seqs, last)
		v = v[n:]
	}
	return seqs, nil
}
