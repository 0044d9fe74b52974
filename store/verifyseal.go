package store

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"maps"
	"slices"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/record"
	"github.com/keydesk/keydesk/store/secrets"
	bolt "go.etcd.io/bbolt"
)

// sealCheck is audit verify's side of the record seals (recordseal.go).
// While the chain is walked it keeps, for every record, its last write as
// the trail says it (digest and entry: 48 bytes a record, not the record);
// then every record in the file is compared with it.
type sealCheck struct {
	sealed bool         // false: a file before schema 9
	box    *secrets.Box // nil: no key file, signatures not checked
	check  *secrets.EntryVerifier
	// signing: entries from here on must be signed (all of them in a new
	// file; from the first records.sealed entry in an upgraded one).
	signing   bool
	pending   uint64   // the first entry since the last signed one, which a later signature may cover (0: none)
	unsigned  []uint64 // the first few entries no signature covers
	unsignedN int

	byID   map[byte]*lastWrites          // records stored under an 8-byte id (verifywrites.go)
	limits map[byte]uint64               // the largest id each kind's bucket gave
	byName map[byte]map[string]lastWrite // the others (admins, settings)
}

type lastWrite struct {
	seq  uint64
	gone bool
	sum  [sha256.Size]byte
}

func (s *Store) newSealCheck(tx *bolt.Tx) (*sealCheck, error) {
	c := &sealCheck{box: s.box,
		byID: map[byte]*lastWrites{}, byName: map[byte]map[string]lastWrite{}, limits: map[byte]uint64{}}
	for _, k := range sealedKinds {
		ids := k.bucket
		if k.kind == sealCode {
			ids = bucketKeys // a code is stored under its key's id
		}
		if b := tx.Bucket(ids); b != nil {
			c.limits[k.kind] = b.Sequence()
		}
	}
	// From schema 10 on the seals are in the entries; a file of schema 9
	// keeps them in audit_seals, which it cannot be without.
	schema := fileSchema(tx)
	apart := tx.Bucket(bucketEntrySeals) != nil
	if !apart && schema == sealedRecordsSchema {
		return nil, &RecordsError{Problems: []string{"the records' seals (the bucket audit_seals) are gone: they were removed outside keydesk"}}
	}
	if c.sealed = apart || schema >= foldedSealsSchema; !c.sealed {
		return c, nil
	}
	if c.box != nil {
		c.check = c.box.NewEntryVerifier()
	}
	if v := tx.Bucket(bucketMeta).Get(metaRecordsGenesis); v != nil {
		sl, err := splitSeal(0, v)
		if err != nil {
			return nil, &RecordsError{Problems: []string{"the seal of the file's first records cannot be read: it was changed outside keydesk"}}
		}
		if c.box != nil && !sl.signedBy(c.box, 0, genesisHash(sl.list)) {
			return nil, &RecordsError{Problems: []string{"the seal of the file's first records is not signed with this database's key file: it was changed outside keydesk"}}
		}
		if err := c.remember(0, sl.list); err != nil {
			return nil, &RecordsError{Problems: []string{"the seal of the file's first records cannot be read: it was changed outside keydesk"}}
		}
		c.signing = true
	}
	return c, nil
}

// accept takes entry e, whose hash (raw) was found right, with the
// signature and list kept beside it.
func (c *sealCheck) accept(e model.AuditEntry, hash []byte, sl seal) error {
	if !c.sealed {
		return nil
	}
	if e.Action == model.ActionRecordsSealed && !c.signing {
		c.signing, c.pending = true, 0 // the entries before the upgrade were never signed
	}
	if c.signing && c.box != nil {
		switch {
		case !sl.signed:
			if c.pending == 0 {
				c.pending = e.Seq
			}
		case !c.check.Signed(sl.from, e.Seq, hash, sl.sig):
			return &ChainError{Seq: e.Seq, Msg: "is not signed with this database's key file: it was written or re-sealed outside keydesk"}
		default:
			if c.pending != 0 && c.pending < sl.from {
				c.notSigned(c.pending, sl.from-1)
			}
			c.pending = 0
		}
	}
	if err := c.remember(e.Seq, sl.list); err != nil {
		return &ChainError{Seq: e.Seq, Msg: "its list of records cannot be read"}
	}
	return nil
}

// notSigned notes the entries from..to, which no signature covers.
func (c *sealCheck) notSigned(from, to uint64) {
	for seq := from; seq <= to && len(c.unsigned) < maxRecordProblems; seq++ {
		c.unsigned = append(c.unsigned, seq)
	}
	c.unsignedN += int(to - from + 1)
}

// finish closes the walk at entry last.
func (c *sealCheck) finish(last uint64) {
	if c.pending != 0 {
		c.notSigned(c.pending, last)
		c.pending = 0
	}
}

func (c *sealCheck) remember(seq uint64, list []byte) error {
	if len(list) == 0 {
		return nil
	}
	return decodeWrites(list, func(w sealedWrite) {
		lw := lastWrite{seq: seq, gone: w.gone, sum: w.sum}
		if len(w.id) == 8 && w.kind != sealAdmin && w.kind != sealSetting {
			t := c.byID[w.kind]
			if t == nil {
				t = newLastWrites(c.limits[w.kind])
				c.byID[w.kind] = t
			}
			t.put(record.ParseID([]byte(w.id)), lw)
			return
		}
		m := c.byName[w.kind]
		if m == nil {
			m = map[string]lastWrite{}
			c.byName[w.kind] = m
		}
		m[w.id] = lw
	})
}

func (c *sealCheck) take(kind byte, id []byte) (lastWrite, bool) {
	if len(id) == 8 && kind != sealAdmin && kind != sealSetting {
		if t := c.byID[kind]; t != nil {
			return t.take(record.ParseID(id))
		}
		return lastWrite{}, false
	}
	lw, ok := c.byName[kind][string(id)]
	delete(c.byName[kind], string(id))
	return lw, ok
}

// kindName names a kind of record in a report.
func kindName(kind byte) string {
	switch kind {
	case sealKey:
		return "key"
	case sealCode:
		return "activation code of key"
	case sealEmployee:
		return "employee"
	case sealAdmin:
		return "admin"
	case sealProfile:
		return "profile"
	}
	return "setting"
}

// checkRecords compares every sealed record in the file with its last
// write in the trail; it returns how many it checked.
func (c *sealCheck) checkRecords(tx *bolt.Tx, bad *RecordsError) (int, error) {
	if !c.sealed {
		return 0, nil
	}
	if c.unsignedN > 0 {
		bad.add("audit entries %s are not signed: written while the key file was missing, or added outside keydesk (%d in all)",
			joinSeqs(c.unsigned), c.unsignedN)
	}
	if !c.signing {
		bad.add("the file has neither the seal of its first records nor a records.sealed entry: they were removed outside keydesk")
	}
	checked := 0
	check := func(kind byte, id, v []byte) {
		checked++
		name := kindName(kind) + " " + record.Name(id)
		lw, ok := c.take(kind, id)
		switch {
		case !ok:
			bad.add("%s is in the file, but no audit entry wrote it: it was added outside keydesk", name)
		case lw.gone:
			bad.add("%s is in the file, but audit entry %d removed it: it was put back outside keydesk", name, lw.seq)
		case !lw.matches(recordDigest(kind, v)):
			bad.add("%s is not what audit entry %d wrote: it was changed outside keydesk", name, lw.seq)
		}
	}
	for _, k := range sealedKinds {
		if k.kind == sealSetting {
			for _, name := range sealedSettings {
				if v := tx.Bucket(bucketMeta).Get(name); v != nil {
					check(sealSetting, name, v)
				}
			}
			continue
		}
		walk := mappedWalk{tx: tx}
		if err := tx.Bucket(k.bucket).ForEach(func(id, v []byte) error {
			walk.step()
			check(k.kind, id, v)
			return nil
		}); err != nil {
			return checked, err
		}
	}
	for _, k := range sealedKinds {
		if t := c.byID[k.kind]; t != nil {
			t.left(func(id uint64, lw lastWrite) {
				if !lw.gone {
					bad.add("%s id %d was written by audit entry %d but is not in the file: it was removed outside keydesk", kindName(k.kind), id, lw.seq)
				}
			})
		}
		for _, name := range sortedNames(c.byName[k.kind]) {
			if lw := c.byName[k.kind][name]; !lw.gone {
				bad.add("%s %s was written by audit entry %d but is not in the file: it was removed outside keydesk", kindName(k.kind), record.Name([]byte(name)), lw.seq)
			}
		}
	}
	checkAdminKeys(tx, bad)
	return checked, nil
}

// checkAdminKeys: the index from a login key to its admin must say what
// the admins' records say, since a login goes through it.
func checkAdminKeys(tx *bolt.Tx, bad *RecordsError) {
	admins, index := tx.Bucket(bucketAdmins), tx.Bucket(bucketAdminKey)
	_ = index.ForEach(func(fp, name []byte) error {
		a, err := decodeAdmin(admins.Get(name))
		if err != nil || a.Fingerprint != string(fp) {
			bad.add("the login key %s leads to admin %s, whose record names another key: the index was changed outside keydesk", record.Name(fp), record.Name(name))
		}
		return nil
	})
	_ = admins.ForEach(func(name, v []byte) error {
		if a, err := decodeAdmin(v); err == nil && !bytes.Equal(index.Get([]byte(a.Fingerprint)), name) {
			bad.add("admin %s cannot log in with its key: the index was changed outside keydesk", record.Name(name))
		}
		return nil
	})
}

func joinSeqs(seqs []uint64) string {
	var b bytes.Buffer
	for i, s := range seqs {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprint(&b, s)
	}
	return b.String()
}

func sortedNames(m map[string]lastWrite) []string { return slices.Sorted(maps.Keys(m)) }
