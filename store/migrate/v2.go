package migrate

import (
	"encoding/hex"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Schema 2 more than halved the audit trail on disk: entries moved from
// format 1 (both hashes as hex text, actor and action as text) to format 2
// (see EncodeAuditV2), with a new actor table; the head hash in meta from
// hex to raw bytes. (It also rebuilt the history indexes, which schema 7
// replaced: they are dropped here, and v7.go builds the histories from
// the entries.)

// compactAudit rewrites the trail into a new bucket, so that its pages
// are packed full again. Everything stored is kept as it was, tampering
// included: an entry whose hash or previous hash did not match still does
// not.
func compactAudit(tx *bolt.Tx, st Store) error {
	if _, err := tx.CreateBucket(bucketAuditActors); err != nil {
		return err
	}
	err := rewriteTrail(tx, st, func(t Trail, seq uint64, v []byte) ([]byte, error) {
		e, err := DecodeAuditV1(v)
		if err != nil {
			return nil, fmt.Errorf("audit entry %d cannot be read", seq)
		}
		actor, err := t.ActorID(e.Actor)
		if err != nil {
			return nil, err
		}
		return EncodeAuditV2(e, actor)
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
