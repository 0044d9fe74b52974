package store

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/keydesk/keydesk/model"
	bolt "go.etcd.io/bbolt"
)

// metaAuditHead holds the raw hash of the last entry; none while the trail
// is empty.
var metaAuditHead = []byte("audit_head")

// bucketAuditActors numbers the actors of the trail (schema 2).
var bucketAuditActors = []byte("audit_actors")

// trail is the audit trail in one transaction. Entries store their actor
// as a number, given in the actors bucket the first time an actor acts:
// actors are few (the admins, the devices) and long ("alice (SHA256:...)"),
// so a number saves much of an entry.
type trail struct {
	entries, actors *bolt.Bucket
	names           map[uint64]string // number to actor, loaded on first read
}

func openTrail(tx *bolt.Tx) *trail {
	return &trail{entries: tx.Bucket(bucketAudit), actors: tx.Bucket(bucketAuditActors)}
}

// decode reads an entry; PrevHash is left to the caller.
func (t *trail) decode(v []byte) (model.AuditEntry, error) {
	if t.names == nil {
		names := map[uint64]string{}
		err := t.actors.ForEach(func(name, v []byte) error {
			id, n := binary.Uvarint(v)
			if n <= 0 {
				return errCorrupt
			}
			names[id] = string(name)
			return nil
		})
		if err != nil {
			return model.AuditEntry{}, err
		}
		t.names = names
	}
	return decodeAudit(v, t.names)
}

// encode encodes a sealed entry, numbering its actor if new.
func (t *trail) encode(e model.AuditEntry) ([]byte, error) {
	id, err := t.actorID(e.Actor)
	if err != nil {
		return nil, err
	}
	return encodeAudit(e, id)
}

func (t *trail) actorID(name string) (uint64, error) {
	if name == "" {
		return 0, nil
	}
	if v := t.actors.Get([]byte(name)); v != nil {
		id, n := binary.Uvarint(v)
		if n <= 0 {
			return 0, errCorrupt
		}
		return id, nil
	}
	id, err := t.actors.NextSequence()
	if err != nil {
		return 0, err
	}
	if t.names != nil {
		t.names[id] = name
	}
	return id, t.actors.Put([]byte(name), binary.AppendUvarint(nil, id))
}

// appendAudit seals an entry after the current head of the chain and
// writes it, with its history indexes, in the caller's transaction.
func (s *Store) appendAudit(tx *bolt.Tx, e model.AuditEntry) error {
	t := openTrail(tx)
	audit := t.entries
	audit.FillPercent = 1 // append-only: pack pages full
	seq, err := audit.NextSequence()
	if err != nil {
		return err
	}
	e.Seq = seq
	if e.Time.IsZero() {
		e.Time = s.now()
	}
	meta := tx.Bucket(bucketMeta)
	e.Seal(hex.EncodeToString(meta.Get(metaAuditHead)))
	v, err := t.encode(e)
	if err != nil {
		return err
	}
	if err := audit.Put(itob(seq), v); err != nil {
		return err
	}
	if err := meta.Put(metaAuditHead, storedHashRaw(v)); err != nil {
		return err
	}
	if s.heldHistory != nil {
		s.heldHistory.add(e.KeyID, e.EmployeeID, seq)
		return nil
	}
	if e.KeyID != 0 {
		if err := appendHistory(tx.Bucket(bucketAuditKey), e.KeyID, seq); err != nil {
			return err
		}
	}
	if e.EmployeeID != 0 {
		if err := appendHistory(tx.Bucket(bucketAuditEmp), e.EmployeeID, seq); err != nil {
			return err
		}
	}
	return nil
}

// The history indexes (audit_by_key, audit_by_employee) hold one record
// per key or employee: the sequence numbers of its entries, ascending, as
// uvarint differences. (Schema 1 had one 32-byte record per entry.)

// appendHistory adds entries to the end of id's history.
func appendHistory(b *bolt.Bucket, id uint64, seqs ...uint64) error {
	b.FillPercent = indexFillPercent
	old := b.Get(itob(id))
	known, err := historySeqs(old)
	if err != nil {
		return err
	}
	last := uint64(0)
	if len(known) > 0 {
		last = known[len(known)-1]
	}
	v := make([]byte, len(old), len(old)+binary.MaxVarintLen64*len(seqs))
	copy(v, old) // old is bbolt's memory, not ours to append to
	for _, seq := range seqs {
		if seq <= last {
			return fmt.Errorf("audit entry %d is not after entry %d in a history", seq, last)
		}
		v = binary.AppendUvarint(v, seq-last)
		last = seq
	}
	return b.Put(itob(id), v)
}

// historySeqs decodes a history record; nil for none.
func historySeqs(v []byte) ([]uint64, error) {
	var seqs []uint64
	last := uint64(0)
	for len(v) > 0 {
		d, n := binary.Uvarint(v)
		if n <= 0 || d == 0 {
			return nil, errCorrupt
		}
		last += d
		seqs = append(seqs, last)
		v = v[n:]
	}
	return seqs, nil
}

// historyIndex holds back the history index entries of a transaction that
// writes a whole history at once (FillDemo, the schema 2 migration), to
// write each id's record once, in id order, at its end: rewriting a
// growing record per entry, at random places in the bucket, is what makes
// a big transaction slow. Nothing reads these indexes inside such a
// transaction, so holding them back changes no result.
type historyIndex struct {
	byKey, byEmployee map[uint64][]uint64
}

func (h *historyIndex) add(keyID, employeeID, seq uint64) {
	if h.byKey == nil {
		h.byKey, h.byEmployee = map[uint64][]uint64{}, map[uint64][]uint64{}
	}
	if keyID != 0 {
		h.byKey[keyID] = append(h.byKey[keyID], seq)
	}
	if employeeID != 0 {
		h.byEmployee[employeeID] = append(h.byEmployee[employeeID], seq)
	}
}

func (h *historyIndex) write(tx *bolt.Tx) error {
	for _, ix := range []struct {
		bucket []byte
		seqs   map[uint64][]uint64
	}{{bucketAuditKey, h.byKey}, {bucketAuditEmp, h.byEmployee}} {
		b := tx.Bucket(ix.bucket)
		for _, id := range slices.Sorted(maps.Keys(ix.seqs)) {
			if err := appendHistory(b, id, ix.seqs[id]...); err != nil {
				return err
			}
		}
	}
	return nil
}

// ChainError says where the audit chain stops verifying.
type ChainError struct {
	Seq uint64
	Msg string
}

func (e *ChainError) Error() string {
	return fmt.Sprintf("audit entry %d: %s", e.Seq, e.Msg)
}

// AuditState is the result of checking the whole chain.
type AuditState struct {
	Entries  uint64
	HeadHash string
	Anchors  int // anchors checked
	Keys     int // key records checked against the trail
	People   int // employee records checked against the trail
}

// VerifyAudit walks the chain from the first entry: each entry's hash must
// match its content and the hash of the entry before it, its link must
// point at that entry, and sequence numbers must have no gap. The head
// recorded in meta must be the last entry, so that cutting entries off the
// end is detected too. Each anchor (a head seen before, kept outside the
// file) must still be in the chain with the same hash: that finds a trail
// cut back with its head, or rewritten and re-sealed. Last, the trail is
// replayed and every key and employee record compared with what its
// entries say (see checkRecords).
func (s *Store) VerifyAudit(anchors ...model.AuditAnchor) (AuditState, error) {
	var st AuditState
	err := s.view(func(tx *bolt.Tx) error {
		want := map[uint64]model.AuditAnchor{}
		for _, a := range anchors {
			want[a.Seq] = a
		}
		replay := model.NewReplay()
		var prev []byte // the raw hash of the entry before
		next := uint64(1)
		t := openTrail(tx)
		c := t.entries.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			e, err := t.decode(v)
			if err != nil {
				return &ChainError{Seq: btoi(k), Msg: "the entry cannot be read"}
			}
			e.PrevHash = hex.EncodeToString(prev)
			switch {
			case e.Seq != btoi(k):
				return &ChainError{Seq: btoi(k), Msg: fmt.Sprintf("is stored under number %d but says %d", btoi(k), e.Seq)}
			case e.Seq != next:
				return &ChainError{Seq: next, Msg: "is missing (entries were removed)"}
			case !bytes.Equal(storedLink(v), auditLink(prev)):
				return &ChainError{Seq: e.Seq, Msg: "does not follow the entry before it (an entry was changed or removed)"}
			case e.ComputeHash() != e.Hash:
				return &ChainError{Seq: e.Seq, Msg: "was changed after it was written"}
			}
			if a, ok := want[e.Seq]; ok {
				if a.Hash != e.Hash {
					return &AnchorError{Anchor: a, Msg: "has a different hash now: the trail was rewritten from there on, or before"}
				}
				st.Anchors++
			}
			if err := replay.Apply(e); err != nil {
				return &RecordsError{Problems: []string{err.Error() + ": the trail was changed, or cut at its start"}}
			}
			prev = storedHashRaw(v)
			next++
			st.Entries++
		}
		if head := tx.Bucket(bucketMeta).Get(metaAuditHead); !bytes.Equal(head, prev) {
			return &ChainError{Seq: next, Msg: "and later entries are missing (the trail was cut short)"}
		}
		for _, a := range anchors {
			if a.Seq >= next {
				return &AnchorError{Anchor: a, Msg: fmt.Sprintf("is missing: the trail ends at entry %d (it was cut back)", next-1)}
			}
		}
		st.HeadHash = hex.EncodeToString(prev)
		var err error
		st.Keys, st.People, err = checkRecords(tx, replay)
		return err
	})
	return st, err
}

// AnchorError says that a head seen before is no longer in the trail.
type AnchorError struct {
	Anchor model.AuditAnchor
	Msg    string
}

func (e *AnchorError) Error() string {
	return fmt.Sprintf("audit entry %d (expected hash %s) %s", e.Anchor.Seq, e.Anchor.Hash, e.Msg)
}

// RecordsError lists records that are not what their audit trail says:
// changed, added or removed outside keydesk.
type RecordsError struct {
	Problems []string
	More     int // past the listed ones
}

func (e *RecordsError) Error() string {
	msg := strings.Join(e.Problems, "; ")
	if e.More > 0 {
		msg += fmt.Sprintf("; and %d more", e.More)
	}
	return msg
}

func (e *RecordsError) add(format string, args ...any) {
	if len(e.Problems) == maxRecordProblems {
		e.More++
		return
	}
	e.Problems = append(e.Problems, fmt.Sprintf(format, args...))
}

// maxRecordProblems keeps a badly tampered file's report readable.
const maxRecordProblems = 10

// checkRecords compares every key and employee with its replay: a key's
// status, reason and holder, an employee's key. It returns how many of
// each it checked.
func checkRecords(tx *bolt.Tx, replay *model.Replay) (keys, people int, err error) {
	bad := &RecordsError{}
	err = tx.Bucket(bucketKeys).ForEach(func(_, v []byte) error {
		k, err := decodeKey(v)
		if err != nil {
			return err
		}
		keys++
		r, ok := replay.Keys[k.ID]
		delete(replay.Keys, k.ID)
		switch {
		case !ok:
			bad.add("key %s has no entry in the audit trail: it was added outside keydesk, or the trail was cut", k.Serial)
		case r.Status != k.Status || r.Reason != k.Reason:
			bad.add("key %s is %s in its record, but the audit trail leaves it %s (entry %d): the record was changed outside keydesk",
				k.Serial, statusReason(k.Status, k.Reason), statusReason(r.Status, r.Reason), r.Seq)
		case r.EmployeeID != k.EmployeeID:
			bad.add("key %s is held by employee id %d in its record, but by employee id %d in the audit trail (entry %d): the record was changed outside keydesk",
				k.Serial, k.EmployeeID, r.EmployeeID, r.Seq)
		}
		return nil
	})
	if err != nil {
		return keys, people, err
	}
	for _, id := range slices.Sorted(maps.Keys(replay.Keys)) {
		bad.add("key id %d is in the audit trail (entry %d) but not in the database: it was removed outside keydesk", id, replay.Keys[id].Seq)
	}
	err = tx.Bucket(bucketEmployees).ForEach(func(_, v []byte) error {
		e, err := decodeEmployee(v)
		if err != nil {
			return err
		}
		people++
		r, ok := replay.Employees[e.ID]
		delete(replay.Employees, e.ID)
		switch {
		case !ok:
			bad.add("employee %s has no entry in the audit trail: added outside keydesk, or the trail was cut", e.Email)
		case r.KeyID != e.KeyID:
			bad.add("employee %s holds key id %d in their record, but key id %d in the audit trail (entry %d): the record was changed outside keydesk",
				e.Email, e.KeyID, r.KeyID, r.Seq)
		}
		return nil
	})
	if err != nil {
		return keys, people, err
	}
	for _, id := range slices.Sorted(maps.Keys(replay.Employees)) {
		bad.add("employee id %d is in the audit trail (entry %d) but not in the database: removed outside keydesk", id, replay.Employees[id].Seq)
	}
	if len(bad.Problems) > 0 {
		return keys, people, bad
	}
	return keys, people, nil
}

func statusReason(s model.Status, r model.Reason) string {
	if r == model.NoReason {
		return s.String()
	}
	return s.String() + " (" + r.String() + ")"
}

// AuditHead is the newest entry as it is stored: what `keydesk audit
// head` prints and serve's anchor file records. Seq 0 for an empty trail.
func (s *Store) AuditHead() (model.AuditAnchor, error) {
	var head model.AuditAnchor
	err := s.view(func(tx *bolt.Tx) error {
		k, v := tx.Bucket(bucketAudit).Cursor().Last()
		if k != nil {
			head = model.AuditAnchor{Seq: btoi(k), Hash: storedHash(v)}
		}
		return nil
	})
	return head, err
}

// AuditNewestFirst calls fn with entries from the newest back until fn
// returns false.
func (s *Store) AuditNewestFirst(fn func(model.AuditEntry) bool) error {
	return s.view(func(tx *bolt.Tx) error {
		t := openTrail(tx)
		c := t.entries.Cursor()
		for k, v := c.Last(); k != nil; {
			e, err := t.decode(v)
			if err != nil {
				return err
			}
			k, v = c.Prev()
			e.PrevHash = storedHash(v)
			if !fn(e) {
				return nil
			}
		}
		return nil
	})
}

// AuditOldestFirst calls fn with every entry in order, for exports.
func (s *Store) AuditOldestFirst(who model.Actor, fn func(model.AuditEntry) error) error {
	return s.viewAs(who, model.OpExportAudit, func(tx *bolt.Tx) error {
		prev := ""
		t := openTrail(tx)
		return t.entries.ForEach(func(_, v []byte) error {
			e, err := t.decode(v)
			if err != nil {
				return err
			}
			e.PrevHash, prev = prev, e.Hash
			return fn(e)
		})
	})
}

// KeyHistory is the audit trail of one key, newest first.
func (s *Store) KeyHistory(keyID uint64) ([]model.AuditEntry, error) {
	return s.history(bucketAuditKey, keyID)
}

// EmployeeHistory is the audit trail of one employee, newest first.
func (s *Store) EmployeeHistory(employeeID uint64) ([]model.AuditEntry, error) {
	return s.history(bucketAuditEmp, employeeID)
}

func (s *Store) history(index []byte, id uint64) ([]model.AuditEntry, error) {
	var out []model.AuditEntry
	err := s.view(func(tx *bolt.Tx) error {
		seqs, err := historySeqs(tx.Bucket(index).Get(itob(id)))
		if err != nil {
			return err
		}
		t := openTrail(tx)
		c := t.entries.Cursor()
		for _, seq := range slices.Backward(seqs) {
			e, err := t.entryAt(c, seq)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}

// entryAt reads entry seq, and its PrevHash from the entry before it.
func (t *trail) entryAt(c *bolt.Cursor, seq uint64) (model.AuditEntry, error) {
	k, v := c.Seek(itob(seq))
	if k == nil || btoi(k) != seq {
		return model.AuditEntry{}, errCorrupt
	}
	e, err := t.decode(v)
	if err != nil {
		return e, err
	}
	_, prev := c.Prev()
	e.PrevHash = storedHash(prev)
	return e, nil
}
