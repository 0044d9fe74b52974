package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/keydesk/keydesk/store/index"
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

// An import written in chunks (importchunks.go) is all or nothing all the
// same: its first transaction notes in meta what the import is about to
// add, and its last one removes the note. A note found means an import
// stopped midway (an error, a full disk, the process killed): what it
// added is taken back, in chunks too, and the note goes last, so that a
// rollback that stops midway is simply done again. Open does it before
// anything reads the file.

// metaImportProgress holds the note of an import in progress.
var metaImportProgress = []byte("import_in_progress")

// importProgress is what an import in progress adds: the keys numbered
// from firstID and the audit entries from firstSeq, n of each, after the
// audit head head (nil: the trail was empty). Nothing else it writes
// before its last transaction.
type importProgress struct {
	firstID, firstSeq, n uint64
	head                 []byte
}

const importProgressVersion = 1

func putImportProgress(meta *bolt.Bucket, p importProgress) error {
	v := []byte{importProgressVersion}
	v = binary.AppendUvarint(v, p.firstID)
	v = binary.AppendUvarint(v, p.firstSeq)
	v = binary.AppendUvarint(v, p.n)
	v = append(v, p.head...)
	return meta.Put(metaImportProgress, v)
}

// importInProgress reads the note; ok is false when there is none.
func importInProgress(tx *bolt.Tx) (p importProgress, ok bool, err error) {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		return p, false, nil
	}
	v := meta.Get(metaImportProgress)
	if v == nil {
		return p, false, nil
	}
	if len(v) < 1 || v[0] != importProgressVersion {
		return p, false, fmt.Errorf("the note of an import in progress is of an unknown kind: %w", record.ErrCorrupt)
	}
	rest := v[1:]
	for _, dst := range []*uint64{&p.firstID, &p.firstSeq, &p.n} {
		x, k := binary.Uvarint(rest)
		if k <= 0 {
			return p, false, fmt.Errorf("the note of an import in progress: %w", record.ErrCorrupt)
		}
		*dst, rest = x, rest[k:]
	}
	if len(rest) > 0 {
		p.head = bytes.Clone(rest)
	}
	return p, true, nil
}

// rollbackBatch is how many records one transaction of a rollback
// deletes or rewrites.
const rollbackBatch = 20_000

// rollBackImport takes back an import that stopped midway, if any, each
// step in transactions of its own run by update.
func rollBackImport(update func(func(*bolt.Tx) error) error) error {
	var p importProgress
	var found bool
	if err := update(func(tx *bolt.Tx) (err error) {
		p, found, err = importInProgress(tx)
		return err
	}); err != nil || !found {
		return err
	}
	end := p.firstID + p.n
	// The keys, by id.
	if err := deleteFrom(update, bucketKeys, record.ID(p.firstID), func(k []byte) bool {
		return len(k) == 8 && binary.BigEndian.Uint64(k) < end
	}); err != nil {
		return err
	}
	// The audit entries and their seals: the import's runs begin at
	// firstSeq (and hold only its entries).
	last := p.firstSeq + p.n
	for _, b := range [][]byte{bucketAudit, bucketEntrySeals} {
		if err := deleteFrom(update, b, record.ID(p.firstSeq), func(k []byte) bool {
			return len(k) == 8 && binary.BigEndian.Uint64(k) < last
		}); err != nil {
			return err
		}
	}
	// The index values naming the import's keys: the chunks wrote them by
	// value, not by key, so every run is looked at.
	for _, b := range [][]byte{bucketSerials, bucketMACs, bucketRFIDs} {
		if err := dropIndexIDs(update, b, p.firstID, end); err != nil {
			return err
		}
	}
	return update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketKeys).SetSequence(p.firstID - 1); err != nil {
			return err
		}
		if err := tx.Bucket(bucketAudit).SetSequence(p.firstSeq - 1); err != nil {
			return err
		}
		meta := tx.Bucket(bucketMeta)
		var err error
		if p.head == nil {
			err = meta.Delete(metaAuditHead)
		} else {
			err = meta.Put(metaAuditHead, p.head)
		}
		if err != nil {
			return err
		}
		return meta.Delete(metaImportProgress)
	})
}

// inBatches runs step on bucket name, one rollbackBatch transaction
// after another, until step says it is done (or the bucket is absent).
func inBatches(update func(func(*bolt.Tx) error) error, name []byte, step func(b *bolt.Bucket) (done bool, err error)) error {
	for {
		done := true
		err := update(func(tx *bolt.Tx) (err error) {
			if b := tx.Bucket(name); b != nil {
				done, err = step(b)
			}
			return err
		})
		if err != nil || done {
			return err
		}
	}
}

// deleteFrom deletes the entries of bucket name from key from on while
// in says so, rollbackBatch a transaction.
func deleteFrom(update func(func(*bolt.Tx) error) error, name, from []byte, in func(k []byte) bool) error {
	return inBatches(update, name, func(b *bolt.Bucket) (bool, error) {
		var dead [][]byte
		c := b.Cursor()
		for k, _ := c.Seek(from); k != nil && in(k) && len(dead) < rollbackBatch; k, _ = c.Next() {
			dead = append(dead, bytes.Clone(k))
		}
		for _, k := range dead {
			if err := b.Delete(k); err != nil {
				return false, err
			}
		}
		return len(dead) < rollbackBatch, nil
	})
}

// dropIndexIDs takes the ids in [first, end) out of an index in runs,
// rewriting the runs that hold one.
func dropIndexIDs(update func(func(*bolt.Tx) error) error, name []byte, first, end uint64) error {
	var after []byte // the last run looked at; nil: none yet
	return inBatches(update, name, func(b *bolt.Bucket) (bool, error) {
		type rewrite struct {
			old  []byte
			kept []index.Entry
		}
		var changes []rewrite
		looked := 0
		c := b.Cursor()
		k, v := c.First()
		if after != nil {
			k, v = c.Seek(after)
			if k != nil && bytes.Equal(k, after) {
				k, v = c.Next()
			}
		}
		for ; k != nil && looked < rollbackBatch; k, v = c.Next() {
			looked++
			after = bytes.Clone(k)
			run, err := index.DecodeRun(v)
			if err != nil {
				return false, err
			}
			kept := run[:0:0]
			for _, e := range run {
				if e.ID < first || e.ID >= end {
					kept = append(kept, index.Entry{Value: bytes.Clone(e.Value), ID: e.ID})
				}
			}
			if len(kept) < len(run) {
				changes = append(changes, rewrite{old: bytes.Clone(k), kept: kept})
			}
		}
		for _, ch := range changes {
			if err := b.Delete(ch.old); err != nil {
				return false, err
			}
			if len(ch.kept) > 0 {
				if err := b.Put(bytes.Clone(ch.kept[0].Value), index.EncodeRun(ch.kept)); err != nil {
					return false, err
				}
			}
		}
		return k == nil, nil
	})
}

// settleImport rolls back an import that stopped midway, before anything
// reads the file (the one call of Open). A read-only store cannot: it
// says so rather than show half an import.
func (s *Store) settleImport(readOnly bool) error {
	var found bool
	if err := s.db.View(func(tx *bolt.Tx) (err error) {
		_, found, err = importInProgress(tx)
		return err
	}); err != nil || !found {
		return err
	}
	if readOnly {
		return errors.New("an import into " + s.path + " stopped midway: open it once for writing (any keydesk command) to take it back")
	}
	return rollBackImport(s.db.Update)
}
