package store

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

// migrateV9At (schema 8 -> 9) seals the records: codes are sealed again
// with their fields bound (codeseal.go), and the trail gets "records
// sealed" entries carrying the digest of every record there is, so that
// from here on audit verify vouches for every record. A file whose trail
// is empty (a new one) keeps the list of its first records (the Default
// profile) as its genesis seal in meta instead.
//
// A code in an older form than its file's schema allows (plain digits in
// a file whose codes are sealed) was put there outside keydesk: it is
// dropped, and the entry says so.
//
// migrateV9 (migrate_v9open.go) runs it at Open with the clock and
// crypto/rand; a cluster runs it in a log entry's apply with the entry's
// time and nonces drawn from it (clusterschema.go), where every node must
// write the same bytes.
func migrateV9At(tx *bolt.Tx, now time.Time, nonces io.Reader, s *Store) error {
	if tx.Bucket(bucketEntrySeals) != nil || tx.Bucket(bucketAdminLastWrite) != nil || tx.Bucket(bucketMeta).Get(metaRecordsGenesis) != nil {
		return fmt.Errorf("the file's records were sealed already: its schema number was changed outside keydesk; restore a backup, or run keydesk audit verify on a copy")
	}
	if _, err := tx.CreateBucket(bucketEntrySeals); err != nil {
		return err
	}
	if _, err := tx.CreateBucket(bucketAdminLastWrite); err != nil {
		return err
	}
	dropped, err := s.rebindCodes(tx, nonces)
	if err != nil {
		return err
	}
	var all []recordRef
	for _, k := range sealedKinds {
		if k.kind == sealSetting {
			for _, name := range sealedSettings {
				if tx.Bucket(bucketMeta).Get(name) != nil {
					all = append(all, recordRef{kind: sealSetting, id: string(name)})
				}
			}
			continue
		}
		if err := tx.Bucket(k.bucket).ForEach(func(id, _ []byte) error {
			all = append(all, recordRef{kind: k.kind, id: string(id)})
			return nil
		}); err != nil {
			return err
		}
	}
	t := openTrail(tx)
	if t.entries.Sequence() == 0 && len(dropped) == 0 {
		list := writesOf(tx, all)
		if err := noteAdminWrites(tx, all, 0); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(metaRecordsGenesis, s.entrySeal(0, 0, genesisHash(list), list))
	}
	for start := 0; start == 0 || start < len(all); start += sealedPerEntry {
		part := all[start:min(start+sealedPerEntry, len(all))]
		note := fmt.Sprintf("schema 9: records %d to %d of %d as they were at the upgrade", start+1, start+len(part), len(all))
		if start == 0 && len(dropped) > 0 {
			note += "; dropped codes in a form keydesk no longer writes (put there outside keydesk) of key ids " + strings.Join(dropped, ", ")
		}
		seq, err := s.appendUpgradeEntry(tx, now, note, writesOf(tx, part))
		if err != nil {
			return err
		}
		if err := noteAdminWrites(tx, part, seq); err != nil {
			return err
		}
	}
	return nil
}

// sealedPerEntry bounds an upgrade entry's list.
const sealedPerEntry = 4096

// metaRecordsGenesis holds the seal of a new file's first records.
var metaRecordsGenesis = []byte("records_genesis")

func genesisHash(list []byte) []byte {
	sum := sha256.Sum256(list)
	return sum[:]
}

// rebindCodes seals every code again in record.BoundCodeFormat; it drops plain
// ones and returns their key ids.
func (s *Store) rebindCodes(tx *bolt.Tx, nonces io.Reader) (dropped []string, err error) {
	codes := tx.Bucket(bucketCodes)
	type rebound struct {
		k, v []byte
	}
	var out []rebound
	err = codes.ForEach(func(k, v []byte) error {
		id := record.ParseID(k)
		switch {
		case len(v) > 0 && v[0] == record.BoundCodeFormat:
			return nil
		case len(v) > 0 && v[0] == record.SealedCodeFormat:
			s.olderRecords.Store(true)
			c, err := s.openCode(id, v)
			s.olderRecords.Store(false)
			if err != nil {
				return err
			}
			nv, err := sealBoundCode(s.box, nonces, id, c)
			out = append(out, rebound{append([]byte(nil), k...), nv})
			return err
		default:
			dropped = append(dropped, fmt.Sprint(id))
			out = append(out, rebound{append([]byte(nil), k...), nil})
			return nil
		}
	})
	if err != nil {
		return nil, err
	}
	for _, c := range out {
		if c.v == nil {
			err = codes.Delete(c.k)
		} else {
			err = codes.Put(c.k, c.v)
		}
		if err != nil {
			return nil, err
		}
	}
	return dropped, nil
}

// appendUpgradeEntry writes a records.sealed entry carrying list.
func (s *Store) appendUpgradeEntry(tx *bolt.Tx, now time.Time, note string, list []byte) (uint64, error) {
	t := openTrail(tx)
	seq, err := t.entries.NextSequence()
	if err != nil {
		return 0, err
	}
	meta := tx.Bucket(bucketMeta)
	e := model.AuditEntry{Seq: seq, Time: now, Actor: "keydesk upgrade", Action: model.ActionRecordsSealed,
		Target: "records", Note: note, Writes: writesHash(list)}
	e.Seal(hex.EncodeToString(meta.Get(metaAuditHead)))
	if err := t.put([]storedEntry{{AuditEntry: e}}, meta); err != nil {
		return 0, err
	}
	return seq, s.putEntrySeal(tx, seq, record.StoredHashRaw(t.entries.Get(record.ID(seq))), list)
}
