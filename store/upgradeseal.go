package store

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/migrate"
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

// Schema 9's upgrade as the store does its part (migrate.V9At): a
// cluster's upgrade entry runs it, so what is here reads nothing but the
// transaction and what it is given. (This file does not import
// store/secrets: the write-path walk follows a call by its name into
// every package the file imports.)

// metaRecordsGenesis holds the seal of a new file's first records.
var metaRecordsGenesis = []byte("records_genesis")

func genesisHash(list []byte) []byte {
	sum := sha256.Sum256(list)
	return sum[:]
}

// recordSealing is what schema 9's upgrade needs of the store, sealing
// with s's key file: deterministic in what it is given, as a cluster's
// upgrade entry applies it (clusterschema.go).
func recordSealing(s *Store) migrate.Sealing {
	var all []recordRef
	return migrate.Sealing{
		RebindCodes: func(tx *bolt.Tx, nonces io.Reader) ([]string, error) {
			return s.rebindCodes(tx, nonces)
		},
		ListRecords: func(tx *bolt.Tx) (int, error) {
			var err error
			all, err = sealedRecords(tx)
			return len(all), err
		},
		Genesis: func(tx *bolt.Tx) error {
			list := writesOf(tx, all)
			if err := noteAdminWrites(tx, all, 0); err != nil {
				return err
			}
			return tx.Bucket(bucketMeta).Put(metaRecordsGenesis, s.entrySeal(0, 0, genesisHash(list), list))
		},
		AppendEntry: func(tx *bolt.Tx, now time.Time, note string, from, to int) error {
			part := all[from:to]
			seq, err := s.appendUpgradeEntry(tx, now, note, writesOf(tx, part))
			if err != nil {
				return err
			}
			return noteAdminWrites(tx, part, seq)
		},
	}
}

// sealedRecords names every record there is, kind by kind.
func sealedRecords(tx *bolt.Tx) ([]recordRef, error) {
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
			return nil, err
		}
	}
	return all, nil
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
