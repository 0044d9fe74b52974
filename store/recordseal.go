package store

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"
	"sync"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/record"
	"github.com/keydesk/keydesk/store/secrets"
	bolt "go.etcd.io/bbolt"
)

// Record seals: since schema 9 every audit entry says which records its
// command wrote and what their bytes became (a SHA-256 of each, or that
// the record was deleted), and its hash covers that list. `audit verify`
// then knows, for every record, the digest of its last write, and finds a
// record that was added, changed or removed with bbolt alone: the trail,
// not the file, is the evidence (see verifyseal.go).
//
// Each list is kept after the entry's signature (secrets.SignEntry, a MAC
// made with the key file): an entry written without the key file cannot
// be passed off as keydesk's. Together they are the entry's seal. Since
// schema 10 the seal is in the entry's own audit value (auditrun.go,
// format 4); schema 9 kept it beside, in the bucket audit_seals under the
// entry's number, which a file upgraded from 9 keeps for its older
// entries (and never writes again): appending to a second bucket cost
// every write that bucket's pages.

var bucketEntrySeals = []byte("audit_seals")

// foldedSealsSchema is the first schema whose entries hold their seals.
const foldedSealsSchema = 10

// sealPlace is where the entries written in a transaction keep their seal.
type sealPlace byte

const (
	sealsNone   sealPlace = iota // a file before schema 9: no seals
	sealsApart                   // schema 9: in audit_seals
	sealsFolded                  // schema 10 on: in the entry
)

// sealPlaceOf says where tx's file keeps the seals of new entries. A
// cluster node applies entries in its file's schema until the upgrade
// entry (clusterschema.go), so this follows the file, not the keydesk.
func sealPlaceOf(tx *bolt.Tx) sealPlace {
	switch {
	case fileSchema(tx) >= foldedSealsSchema:
		return sealsFolded
	case tx.Bucket(bucketEntrySeals) != nil:
		return sealsApart
	}
	return sealsNone
}

// The records sealed, each kind a bucket. Indexes, counts and the
// trail's own bookkeeping are derived from these and are not sealed.
const (
	sealKey      byte = 1
	sealCode     byte = 2
	sealEmployee byte = 3
	sealAdmin    byte = 4
	sealProfile  byte = 5
	sealSetting  byte = 6 // meta values other than secrets and bookkeeping
)

// sealedKinds maps each kind to its bucket, in the order verify walks them.
var sealedKinds = []struct {
	kind   byte
	bucket []byte
}{
	{sealKey, bucketKeys}, {sealCode, bucketCodes}, {sealEmployee, bucketEmployees},
	{sealAdmin, bucketAdmins}, {sealProfile, bucketProfiles}, {sealSetting, bucketMeta},
}

func sealedBucket(kind byte) []byte {
	for _, k := range sealedKinds {
		if k.kind == kind {
			return k.bucket
		}
	}
	return nil
}

// sealedSettings are the meta values that are records: the mail settings.
// The rest of meta is the schema, the chain's head, the secrets check.
var sealedSettings = [][]byte{metaSMTP}

// recordRef names one record.
type recordRef struct {
	kind byte
	id   string
}

// writeSet is what the command being applied wrote and no entry carries
// yet. bbolt runs one write transaction at a time per file, and a command
// is applied in one; the set is found by the transaction because the
// helpers that write (putEmployee, putAdmin...) are handed only that.
// Pooled with its buffers: every write has one.
type writeSet struct {
	place sealPlace
	refs  []recordRef
	// seen holds refs once they are many (an import, a sync); a few are
	// looked up in refs.
	seen map[recordRef]struct{}

	// What appendAudit builds for each entry, reused: the refs it takes,
	// their list, the entry's raw hash and (schema 10) its seal, which
	// the entry's encoding copies.
	taken []recordRef
	list  []byte
	hash  [sha256.Size]byte
	seal  []byte
}

// writeSetScan is how many refs are looked up one by one before seen.
const writeSetScan = 16

// openWriteSets are the write sets of the transactions applying a
// command now: one per open file at most, so a few.
var openWriteSets struct {
	mu   sync.RWMutex
	open []openWriteSet
}

type openWriteSet struct {
	tx *bolt.Tx
	ws *writeSet
}

var writeSets = sync.Pool{New: func() any { return &writeSet{} }}

// beginWrites starts noting tx's writes for one command; endWrites stops.
func beginWrites(tx *bolt.Tx) *writeSet {
	place := sealPlaceOf(tx)
	if place == sealsNone {
		return nil // a test's file of an older schema
	}
	ws := writeSets.Get().(*writeSet)
	ws.place = place
	openWriteSets.mu.Lock()
	openWriteSets.open = append(openWriteSets.open, openWriteSet{tx: tx, ws: ws})
	openWriteSets.mu.Unlock()
	return ws
}

func endWrites(tx *bolt.Tx, ws *writeSet) {
	if ws == nil {
		return
	}
	openWriteSets.mu.Lock()
	open := openWriteSets.open
	for i := range open {
		if open[i].tx == tx {
			open[i] = open[len(open)-1]
			open[len(open)-1] = openWriteSet{}
			openWriteSets.open = open[:len(open)-1]
			break
		}
	}
	openWriteSets.mu.Unlock()
	ws.refs, ws.seen = ws.refs[:0], nil
	writeSets.Put(ws)
}

// writeSetOf is the write set of the command applied in tx, nil outside
// one.
func writeSetOf(tx *bolt.Tx) *writeSet {
	openWriteSets.mu.RLock()
	defer openWriteSets.mu.RUnlock()
	for _, o := range openWriteSets.open {
		if o.tx == tx {
			return o.ws
		}
	}
	return nil
}

// noteWrite says the command in tx wrote (or deleted) record id of kind.
// Outside a command (a migration) it does nothing.
func noteWrite(tx *bolt.Tx, kind byte, id []byte) {
	ws := writeSetOf(tx)
	if ws == nil {
		return
	}
	if ws.seen != nil {
		ref := recordRef{kind: kind, id: string(id)}
		if _, dup := ws.seen[ref]; !dup {
			ws.seen[ref] = struct{}{}
			ws.refs = append(ws.refs, ref)
		}
		return
	}
	for _, r := range ws.refs {
		if r.kind == kind && r.id == string(id) {
			return
		}
	}
	ws.refs = append(ws.refs, recordRef{kind: kind, id: string(id)})
	if len(ws.refs) > writeSetScan {
		ws.seen = make(map[recordRef]struct{}, 2*len(ws.refs))
		for _, r := range ws.refs {
			ws.seen[r] = struct{}{}
		}
	}
}

// takeWrites hands over the writes noted so far, in a fixed order; they
// stay valid until the next takeWrites.
func (ws *writeSet) takeWrites() []recordRef {
	ws.taken = append(ws.taken[:0], ws.refs...)
	ws.refs, ws.seen = ws.refs[:0], nil
	slices.SortFunc(ws.taken, func(a, b recordRef) int {
		return cmp.Or(cmp.Compare(a.kind, b.kind), cmp.Compare(a.id, b.id))
	})
	return ws.taken
}

// pendingWrites is how many writes no entry carries yet.
func pendingWrites(tx *bolt.Tx) int {
	if ws := writeSetOf(tx); ws != nil {
		return len(ws.refs)
	}
	return 0
}

// recordDigest is the digest of a record's value as the trail vouches for
// it. A key's or employee's history head is left out: it only finds
// entries, and every entry about the record moves it. An admin's last
// login and revision are left out: noting a login is bookkeeping, with no
// entry.
func recordDigest(kind byte, v []byte) [sha256.Size]byte {
	// Hashed from one buffer, on the stack for a record of usual size:
	// every write digests each record it wrote.
	var stack [512]byte
	buf := append(stack[:0], kind)
	switch {
	case (kind == sealKey || kind == sealEmployee) && len(v) >= 2 && v[0] == record.EntityFormat:
		_, n := binary.Uvarint(v[1:])
		if n > 0 {
			buf = append(append(buf, v[:1]...), v[1+n:]...)
			break
		}
		buf = append(buf, v...)
	case kind == sealAdmin:
		if a, err := decodeAdmin(v); err == nil {
			a.LastSeen, a.Rev = model.Admin{}.LastSeen, 0
			buf = append(buf, encodeAdmin(a)...)
			break
		}
		buf = append(buf, v...)
	default:
		buf = append(buf, v...)
	}
	return sha256.Sum256(buf)
}

// sealedWrite is one record of an entry's list: its digest, or gone.
type sealedWrite struct {
	recordRef
	gone bool
	sum  [sha256.Size]byte
}

// appendWrite encodes w: kind, id, then 0 for gone or 1 and the digest.
func appendWrite(b []byte, w sealedWrite) []byte {
	b = append(b, w.kind)
	b = binary.AppendUvarint(b, uint64(len(w.id)))
	b = append(b, w.id...)
	if w.gone {
		return append(b, 0)
	}
	b = append(b, 1)
	return append(b, w.sum[:]...)
}

// writesOf reads the records refs as tx holds them now, as an entry's list.
func writesOf(tx *bolt.Tx, refs []recordRef) []byte { return appendWritesOf(nil, tx, refs) }

// appendWritesOf is writesOf appended to list.
func appendWritesOf(list []byte, tx *bolt.Tx, refs []recordRef) []byte {
	if len(refs) == 0 {
		return list
	}
	if need := binary.MaxVarintLen64 + len(refs)*(3+binary.MaxVarintLen16+sha256.Size); cap(list)-len(list) < need {
		list = slices.Grow(list, need+8*len(refs)) // ids are 8 bytes but an admin's or a setting's
	}
	list = binary.AppendUvarint(list, uint64(len(refs)))
	for _, ref := range refs {
		w := sealedWrite{recordRef: ref}
		if v := tx.Bucket(sealedBucket(ref.kind)).Get([]byte(ref.id)); v == nil {
			w.gone = true
		} else {
			w.sum = recordDigest(ref.kind, v)
		}
		list = appendWrite(list, w)
	}
	return list
}

// decodeWrites reads an entry's list, calling fn with each write.
func decodeWrites(list []byte, fn func(sealedWrite)) error {
	n, k := binary.Uvarint(list)
	if k <= 0 || n > uint64(len(list)) {
		return record.ErrCorrupt
	}
	list = list[k:]
	for range n {
		if len(list) < 2 {
			return record.ErrCorrupt
		}
		w := sealedWrite{recordRef: recordRef{kind: list[0]}}
		size, k := binary.Uvarint(list[1:])
		if k <= 0 || size > uint64(len(list)) || sealedBucket(w.kind) == nil {
			return record.ErrCorrupt
		}
		list = list[1+k:]
		if uint64(len(list)) < size+1 {
			return record.ErrCorrupt
		}
		w.id, list = string(list[:size]), list[size:]
		switch list[0] {
		case 0:
			w.gone, list = true, list[1:]
		case 1:
			if len(list) < 1+sha256.Size {
				return record.ErrCorrupt
			}
			copy(w.sum[:], list[1:])
			list = list[1+sha256.Size:]
		default:
			return record.ErrCorrupt
		}
		fn(w)
	}
	if len(list) != 0 {
		return record.ErrCorrupt
	}
	return nil
}

// writesHash is what an entry's Writes holds for list: "" for none.
func writesHash(list []byte) string {
	if len(list) == 0 {
		return ""
	}
	sum := sha256.Sum256(list)
	return hex.EncodeToString(sum[:])
}

// entrySeal is the value kept beside entry seq: 0 when it was written
// without the key file; else 1, how far back the entries it signs start
// (0: itself alone), and the signature (secrets.SignEntries); then its
// list.
func (s *Store) entrySeal(from, seq uint64, hash, list []byte) []byte {
	return s.appendEntrySeal(make([]byte, 0, 2+binary.MaxVarintLen64+secrets.SignSize+16+len(hash)+len(list)), from, seq, hash, list)
}

// appendEntrySeal is entrySeal appended to out.
func (s *Store) appendEntrySeal(out []byte, from, seq uint64, hash, list []byte) []byte {
	if s.box == nil {
		return append(append(out, 0), list...)
	}
	out = append(out, 1)
	out = binary.AppendUvarint(out, seq-from)
	out = s.box.AppendSignEntries(out, from, seq, hash)
	return append(out, list...)
}

// seal is an entry's seal as read.
type seal struct {
	signed bool
	from   uint64 // the first entry the signature covers
	sig    []byte
	list   []byte
}

// splitSeal undoes entrySeal for entry seq.
func splitSeal(seq uint64, v []byte) (seal, error) {
	switch {
	case len(v) == 0:
		return seal{}, record.ErrCorrupt
	case v[0] == 0:
		return seal{list: v[1:]}, nil
	case v[0] != 1:
		return seal{}, record.ErrCorrupt
	}
	back, n := binary.Uvarint(v[1:])
	if n <= 0 || back > seq || len(v) < 1+n+secrets.SignSize {
		return seal{}, record.ErrCorrupt
	}
	rest := v[1+n:]
	return seal{signed: true, from: seq - back, sig: rest[:secrets.SignSize], list: rest[secrets.SignSize:]}, nil
}

// signedBy reports whether the seal's signature is box's, for entry seq
// of the given raw hash.
func (sl seal) signedBy(box *secrets.Box, seq uint64, hash []byte) bool {
	return sl.signed && box.EntriesSigned(sl.from, seq, hash, sl.sig)
}

// putEntrySeal stores entry seq's seal in audit_seals (schema 9).
func (s *Store) putEntrySeal(tx *bolt.Tx, seq uint64, hash, list []byte) error {
	b := tx.Bucket(bucketEntrySeals)
	if b == nil {
		return nil // a file before schema 9, being upgraded
	}
	b.FillPercent = 1 // append-only
	return b.Put(record.ID(seq), s.entrySeal(seq, seq, hash, list))
}

// checkWritesSealed makes sure every record the command wrote is in one of
// its entries' lists. Bookkeeping writes only what digests leave out.
func checkWritesSealed(tx *bolt.Tx, cmd *Command) error {
	if _, bookkeeping := cmd.Args.(unchecked); bookkeeping {
		if ws := writeSetOf(tx); ws != nil {
			ws.takeWrites()
		}
		return nil
	}
	if n := pendingWrites(tx); n > 0 {
		return fmt.Errorf("%s wrote %d records after its last audit entry", cmd.Op.Doing(), n) // a programming error
	}
	return nil
}

// importedWrites is the list of an import's records: the keys numbered
// from first on, each record as it is stored. The import's last entry
// carries it, and signs the import's entries at once.
func importedWrites(first uint64, records [][]byte) []byte {
	list := binary.AppendUvarint(make([]byte, 0, 8+len(records)*(1+1+8+1+sha256.Size)), uint64(len(records)))
	for i, rec := range records {
		list = appendWrite(list, sealedWrite{recordRef: recordRef{kind: sealKey, id: string(record.ID(first + uint64(i)))}, sum: recordDigest(sealKey, rec)})
	}
	return list
}

// putImportSeal stores the seal of an import's last entry in a file of
// schema 9; the entries before it have none.
func putImportSeal(tx *bolt.Tx, last uint64, value []byte) error {
	b := tx.Bucket(bucketEntrySeals)
	if b == nil {
		return nil
	}
	b.FillPercent = 1
	return b.Put(record.ID(last), value)
}

// fillWrites sets each entry's Writes from its seal, so that every
// reader's entries hash as they were sealed. The seals of a run in
// format 3 are kept beside it (schema 9's audit_seals), those of format 4
// in it.
func (t *trail) fillWrites(run []storedEntry, folded bool) error {
	for i := range run {
		if !folded && t.seals != nil {
			run[i].seal = t.seals.Get(record.ID(run[i].Seq))
		}
		if run[i].seal == nil {
			continue
		}
		sl, err := splitSeal(run[i].Seq, run[i].seal)
		if err != nil {
			return err
		}
		run[i].Writes = writesHash(sl.list)
	}
	return nil
}

// sealOf is the seal kept with entry se (none: unsigned, no list).
func sealOf(se storedEntry) (seal, error) {
	if se.seal == nil {
		return seal{}, nil
	}
	return splitSeal(se.Seq, se.seal)
}
