package store

import (
	"encoding/binary"
	"fmt"

	"github.com/keydesk/keydesk/model"
	bolt "go.etcd.io/bbolt"
)

// An admin and their role exist only through an audited entry, and that
// is checked at every use, not only by audit verify: the admins table
// keeps, beside each admin, the number of the entry that wrote them last
// (0: the file's first records), and the role check compares the record
// with the digest that entry's signed list holds. An admin added or
// promoted with bbolt alone is refused. (Putting an admin back as an
// older entry wrote them, with that entry's number, is found by audit
// verify only.)
var bucketAdminLastWrite = []byte("admin_last_write")

// noteAdminWrites keeps the number of the entry that wrote the admins
// among refs.
func noteAdminWrites(tx *bolt.Tx, refs []recordRef, seq uint64) error {
	var b *bolt.Bucket
	for _, ref := range refs {
		if ref.kind != sealAdmin {
			continue
		}
		if b == nil { // opened only for an admin's write: most entries write none
			if b = tx.Bucket(bucketAdminLastWrite); b == nil {
				return nil
			}
		}
		if err := b.Put([]byte(ref.id), binary.AppendUvarint(nil, seq)); err != nil {
			return err
		}
	}
	return nil
}

// AdminNotAuditedError says an admin's record is not what the trail wrote.
type AdminNotAuditedError struct {
	Name string
	Why  string
}

func (e *AdminNotAuditedError) Error() string {
	return fmt.Sprintf("admin %s is refused: %s; the admins table was changed outside keydesk (keydesk audit verify names what)", e.Name, e.Why)
}

// checkAdminAudited compares admin a's record with the digest its last
// entry wrote.
func (s *Store) checkAdminAudited(tx *bolt.Tx, a model.Admin) error {
	last := tx.Bucket(bucketAdminLastWrite)
	if last == nil {
		return nil // a file before schema 9
	}
	fail := func(why string) error { return &AdminNotAuditedError{Name: a.Name, Why: why} }
	v := last.Get([]byte(a.Name))
	seq, n := binary.Uvarint(v)
	if n <= 0 {
		return fail("no audit entry added them")
	}
	var sl seal
	var hash []byte
	var err error
	if seq == 0 {
		if sl, err = splitSeal(0, tx.Bucket(bucketMeta).Get(metaRecordsGenesis)); err != nil {
			return fail("the seal of the file's first records is gone")
		}
		hash = genesisHash(sl.list)
	} else {
		t := openTrail(tx)
		se, err := t.entryAt(t.entries.Cursor(), seq)
		if err != nil || se.ComputeHash() != se.Hash {
			return fail(fmt.Sprintf("audit entry %d, which wrote them last, does not verify", seq))
		}
		if sl, err = sealOf(se); err != nil || se.seal == nil {
			return fail(fmt.Sprintf("the seal of audit entry %d is damaged", seq))
		}
		hash = se.hash
	}
	list := sl.list
	if s.box != nil && !sl.signedBy(s.box, seq, hash) {
		return fail(fmt.Sprintf("audit entry %d, which wrote them last, is not signed with the key file", seq))
	}
	raw := tx.Bucket(bucketAdmins).Get([]byte(a.Name))
	matched := false
	err = decodeWrites(list, func(w sealedWrite) {
		if w.kind == sealAdmin && w.id == a.Name && !w.gone && w.sum == recordDigest(sealAdmin, raw) {
			matched = true
		}
	})
	if err != nil || !matched {
		return fail(fmt.Sprintf("their record is not what audit entry %d wrote", seq))
	}
	return nil
}
