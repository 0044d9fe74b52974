package store

import (
	"encoding/hex"
	"fmt"

	"github.com/keydesk/keydesk/model"
	bolt "go.etcd.io/bbolt"
)

// Schema 2 more than halved the audit trail on disk: entries moved from
// format 1 (both hashes as hex text, actor and action as text) to format 2
// (see encodeAudit), with a new actor table; the history indexes from one
// record per entry to one per key or employee; the head hash in meta from
// hex to raw bytes.

// migrateAuditV2 rewrites the trail into new buckets, so that their pages
// are packed full again, and rebuilds the history indexes from the
// entries. Everything stored is kept as it was, tampering included: an
// entry whose hash or previous hash did not match still does not.
func migrateAuditV2(tx *bolt.Tx) error {
	if _, err := tx.CreateBucket(bucketAuditActors); err != nil {
		return err
	}
	t := openTrail(tx)
	sequence := t.entries.Sequence()
	var seqs []uint64
	var values [][]byte
	history := &historyIndex{}
	err := t.entries.ForEach(func(k, v []byte) error {
		e, err := decodeAuditV1(v)
		if err != nil {
			return fmt.Errorf("audit entry %d cannot be read", btoi(k))
		}
		nv, err := t.encode(e)
		if err != nil {
			return err
		}
		seqs = append(seqs, btoi(k))
		values = append(values, nv)
		history.add(e.KeyID, e.EmployeeID, btoi(k))
		return nil
	})
	if err != nil {
		return err
	}

	for _, name := range [][]byte{bucketAudit, bucketAuditKey, bucketAuditEmp} {
		if err := tx.DeleteBucket(name); err != nil {
			return err
		}
		if _, err := tx.CreateBucket(name); err != nil {
			return err
		}
	}
	audit := tx.Bucket(bucketAudit)
	audit.FillPercent = 1
	for i, seq := range seqs {
		if err := audit.Put(itob(seq), values[i]); err != nil {
			return err
		}
	}
	if err := audit.SetSequence(sequence); err != nil {
		return err
	}
	if err := history.write(tx); err != nil {
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

// decodeAuditV1 reads an entry in format 1, which only schema 1 wrote.
func decodeAuditV1(b []byte) (model.AuditEntry, error) {
	d := newDecoder(b, recordFormat)
	a := model.AuditEntry{
		Seq: d.uint(), Time: d.time(), Actor: d.str(), Action: model.Action(d.str()), Target: d.str(),
		From: model.Status(d.uint()), To: model.Status(d.uint()), Reason: model.Reason(d.uint()), Note: d.str(),
		KeyID: d.uint(), EmployeeID: d.uint(), PrevHash: d.str(), Hash: d.str(),
	}
	return a, d.err
}
