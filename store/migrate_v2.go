package store

import (
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/keydesk/keydesk/store/migrate"
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Schema 2 more than halved the audit trail on disk: entries moved from
// format 1 (both hashes as hex text, actor and action as text) to format 2
// (see encodeAudit), with a new actor table; the head hash in meta from
// hex to raw bytes. (It also rebuilt the history indexes, which schema 7
// replaced: they are dropped here, and migrate_v7.go builds the histories
// from the entries.)

// The history indexes of schemas 1 to 6.
var (
	bucketAuditKey = []byte("audit_by_key")
	bucketAuditEmp = []byte("audit_by_employee")
)

// dropBuckets deletes buckets, those that exist.
func dropBuckets(tx *bolt.Tx, names ...[]byte) error {
	for _, name := range names {
		if err := tx.DeleteBucket(name); err != nil && !errors.Is(err, bolterrors.ErrBucketNotFound) {
			return err
		}
	}
	return nil
}

// migrateAuditV2 rewrites the trail into a new bucket, so that its pages
// are packed full again. Everything stored is kept as it was, tampering
// included: an entry whose hash or previous hash did not match still does
// not.
func migrateAuditV2(tx *bolt.Tx) error {
	if _, err := tx.CreateBucket(bucketAuditActors); err != nil {
		return err
	}
	err := rewriteTrail(tx, func(t *trail, seq uint64, v []byte) ([]byte, error) {
		e, err := migrate.DecodeAuditV1(v)
		if err != nil {
			return nil, fmt.Errorf("audit entry %d cannot be read", seq)
		}
		actor, err := t.actorID(e.Actor)
		if err != nil {
			return nil, err
		}
		return migrate.EncodeAuditV2(e, actor)
	})
	if err != nil {
		return err
	}

	meta := tx.Bucket(bucketMeta)
	head := meta.Get(metaAuditHead)
	if len(head) == 0 {
		return nil
	}
	raw, err := hex.DecodeString(string(head))
	if err != nil {
		return fmt.Errorf("the audit trail's head %q cannot be read", head)
	}
	return meta.Put(metaAuditHead, raw)
}

// rewriteTrail writes every value of the trail anew, as convert makes it
// of the value stored under seq, into a new bucket packed full, with the
// same sequence; the history indexes of schemas 1 to 6 go with the old
// bucket. Everything stored is kept as it was, tampering included.
func rewriteTrail(tx *bolt.Tx, convert func(t *trail, seq uint64, v []byte) ([]byte, error)) error {
	t := openTrail(tx)
	sequence := t.entries.Sequence()
	var seqs []uint64
	var values [][]byte
	err := t.entries.ForEach(func(k, v []byte) error {
		nv, err := convert(t, record.ParseID(k), v)
		seqs, values = append(seqs, record.ParseID(k)), append(values, nv)
		return err
	})
	if err != nil {
		return err
	}
	if err := dropBuckets(tx, bucketAudit, bucketAuditKey, bucketAuditEmp); err != nil {
		return err
	}
	audit, err := tx.CreateBucket(bucketAudit)
	if err != nil {
		return err
	}
	audit.FillPercent = 1
	for i, seq := range seqs {
		if err := audit.Put(record.ID(seq), values[i]); err != nil {
			return err
		}
	}
	return audit.SetSequence(sequence)
}
