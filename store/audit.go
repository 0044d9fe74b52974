package store

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/migrate"
	"github.com/keydesk/keydesk/store/record"
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
	seals           *bolt.Bucket      // schema 9's seals (recordseal.go); nil before, and in a new file of schema 10 on
	names           map[uint64]string // number to actor, loaded on first read
}

func openTrail(tx *bolt.Tx) *trail {
	return &trail{entries: tx.Bucket(bucketAudit), actors: tx.Bucket(bucketAuditActors), seals: tx.Bucket(bucketEntrySeals)}
}

// loadNames reads the actor table, once per transaction.
func (t *trail) loadNames() error {
	if t.names != nil {
		return nil
	}
	names := map[uint64]string{}
	err := t.actors.ForEach(func(name, v []byte) error {
		id, n := binary.Uvarint(v)
		if n <= 0 {
			return record.ErrCorrupt
		}
		names[id] = string(name)
		return nil
	})
	if err != nil {
		return err
	}
	t.names = names
	return nil
}

// run reads the run of entries stored under k; PrevHash is left to the
// caller. A value in format 2 (schemas 2 to 6: a file opened read-only,
// or being upgraded) is a run of one, with the number it holds (a
// different one from k's is tampering, which VerifyAudit reports) and no
// history links.
func (t *trail) run(k, v []byte) ([]storedEntry, error) {
	if err := t.loadNames(); err != nil {
		return nil, err
	}
	if len(v) > 0 && v[0] == record.AuditFormat2 {
		e, err := migrate.DecodeAuditV2(v, t.names)
		if err != nil {
			return nil, record.Damaged(bucketAudit, k, err)
		}
		return []storedEntry{{AuditEntry: e, link: record.StoredLink(v), hash: record.StoredHashRaw(v)}}, nil
	}
	run, err := decodeAuditRun(record.ParseID(k), v, t.names)
	if err == nil {
		err = t.fillWrites(run, v[0] == record.AuditSealedRunFormat)
	}
	return run, record.Damaged(bucketAudit, k, err)
}

// put writes a run of sealed entries, numbering their actor if new, and
// makes its last entry the head of the chain.
func (t *trail) put(run []storedEntry, meta *bolt.Bucket) error {
	id, err := t.actorID(run[0].Actor)
	if err != nil {
		return err
	}
	v, err := encodeAuditRun(run, id)
	if err != nil {
		return err
	}
	t.entries.FillPercent = 1 // append-only: pack pages full
	if err := t.entries.Put(record.ID(run[0].Seq), v); err != nil {
		return err
	}
	return meta.Put(metaAuditHead, record.StoredHashRaw(v))
}

func (t *trail) actorID(name string) (uint64, error) {
	if name == "" {
		return 0, nil
	}
	if v := t.actors.Get([]byte(name)); v != nil {
		id, n := binary.Uvarint(v)
		if n <= 0 {
			return 0, record.ErrCorrupt
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
// writes it, linked into its key's and employee's histories, in the
// caller's transaction.
func (s *Store) appendAudit(tx *bolt.Tx, e model.AuditEntry) error {
	t := openTrail(tx)
	seq, err := t.entries.NextSequence()
	if err != nil {
		return err
	}
	e.Seq = seq
	if e.Time.IsZero() {
		env, err := s.envOf(tx)
		if err != nil {
			return err
		}
		e.Time = env.Now
	}
	meta := tx.Bucket(bucketMeta)
	// The records the command wrote (recordseal.go), read from its write
	// set, whose buffers the entry's list, hash and seal reuse.
	ws := writeSetOf(tx)
	if ws == nil { // outside a command: an entry that carries no records
		ws = &writeSet{place: sealPlaceOf(tx)}
	}
	var refs []recordRef
	var writes []byte
	if ws.place != sealsNone {
		refs = ws.takeWrites()
		writes = appendWritesOf(ws.list[:0], tx, refs)
		ws.list = writes
		e.Writes = writesHash(writes)
	}
	e.Seal(hex.EncodeToString(meta.Get(metaAuditHead)))
	se := storedEntry{AuditEntry: e}
	hash := ws.hash[:]
	if err := hexDecode(hash, e.Hash); err != nil {
		return err
	}
	if ws.place == sealsFolded {
		se.seal = s.appendEntrySeal(ws.seal[:0], seq, seq, hash, writes)
		ws.seal = se.seal
	}
	if se.prevOfKey, err = pushHistory(tx, bucketKeys, e.KeyID, seq); err != nil {
		return err
	}
	if se.prevOfEmployee, err = pushHistory(tx, bucketEmployees, e.EmployeeID, seq); err != nil {
		return err
	}
	if err := t.put([]storedEntry{se}, meta); err != nil {
		return err
	}
	if err := noteAdminWrites(tx, refs, seq); err != nil {
		return err
	}
	if ws.place == sealsApart {
		return s.putEntrySeal(tx, seq, hash, writes)
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
	// Sealed says the file's entries carry the records they wrote
	// (schema 9 on); Records is how many records were checked against the
	// digest of their last write; Signed says the entries' signatures were
	// checked with the key file.
	Sealed  bool
	Records int
	Signed  bool
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
	defer lowerGC(verifyGCPercent)() // gcpercent.go
	var st AuditState
	err := s.view(func(tx *bolt.Tx) error {
		want := map[uint64]model.AuditAnchor{}
		for _, a := range anchors {
			want[a.Seq] = a
		}
		replay := model.NewReplay()
		seals, err := s.newSealCheck(tx) // verifyseal.go
		if err != nil {
			return err
		}
		var prev []byte // the raw hash of the entry before
		next := uint64(1)
		t := openTrail(tx)
		c := t.entries.Cursor()
		walk := mappedWalk{tx: tx, every: runRelease}
		for k, v := c.First(); k != nil; k, v = c.Next() {
			walk.step()
			run, err := t.run(k, v)
			if err != nil {
				return &ChainError{Seq: record.ParseID(k), Msg: "the entry cannot be read"}
			}
			for i, se := range run {
				e := se.AuditEntry
				e.PrevHash = hex.EncodeToString(prev)
				sl, err := sealOf(se) // e.Writes was read with the entry (trail.run)
				if err != nil {
					return &ChainError{Seq: e.Seq, Msg: "its seal cannot be read (it was changed outside keydesk)"}
				}
				switch {
				case e.Seq != record.ParseID(k)+uint64(i):
					return &ChainError{Seq: record.ParseID(k), Msg: fmt.Sprintf("is stored under number %d but says %d", record.ParseID(k), e.Seq)}
				case e.Seq != next:
					return &ChainError{Seq: next, Msg: "is missing (entries were removed)"}
				case !bytes.Equal(se.link, record.AuditLink(prev)):
					return &ChainError{Seq: e.Seq, Msg: "does not follow the entry before it (an entry was changed or removed)"}
				case e.ComputeHash() != e.Hash:
					return &ChainError{Seq: e.Seq, Msg: "was changed after it was written"}
				}
				if err := seals.accept(e, se.hash, sl); err != nil {
					return err
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
				prev = se.hash
				next++
				st.Entries++
			}
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
		seals.finish(next - 1)
		st.Keys, st.People, err = checkRecords(tx, replay)
		bad, _ := err.(*RecordsError)
		if err != nil && bad == nil {
			return err
		}
		if bad == nil {
			bad = &RecordsError{}
		}
		if st.Records, err = seals.checkRecords(tx, bad); err != nil {
			return err
		}
		st.Sealed = seals.sealed
		st.Signed = st.Sealed && seals.box != nil
		if len(bad.Problems) > 0 {
			return bad
		}
		return nil
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

func (e *RecordsError) Error() string { return problemsText(e.Problems, e.More) }

func (e *RecordsError) add(format string, args ...any) {
	noteProblem(&e.Problems, &e.More, maxRecordProblems, format, args...)
}

// maxRecordProblems keeps a badly tampered file's report readable.
const maxRecordProblems = 10

// checkRecords compares every key and employee with its replay: a key's
// status, reason and holder, an employee's key. It returns how many of
// each it checked.
func checkRecords(tx *bolt.Tx, replay *model.Replay) (keys, people int, err error) {
	bad := &RecordsError{}
	walk := mappedWalk{tx: tx}
	err = tx.Bucket(bucketKeys).ForEach(func(id, v []byte) error {
		walk.step()
		k, err := decodeKey(v)
		if err != nil {
			return record.Damaged(bucketKeys, id, err)
		}
		keys++
		r, ok := replay.TakeKey(k.ID)
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
	replay.KeysLeft(func(id uint64, r model.ReplayedKey) {
		bad.add("key id %d is in the audit trail (entry %d) but not in the database: it was removed outside keydesk", id, r.Seq)
	})
	err = tx.Bucket(bucketEmployees).ForEach(func(id, v []byte) error {
		walk.step()
		e, err := decodeEmployee(v)
		if err != nil {
			return record.Damaged(bucketEmployees, id, err)
		}
		people++
		r, ok := replay.TakeEmployee(e.ID)
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
	replay.EmployeesLeft(func(id uint64, r model.ReplayedEmployee) {
		bad.add("employee id %d is in the audit trail (entry %d) but not in the database: removed outside keydesk", id, r.Seq)
	})
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
		if k == nil {
			return nil
		}
		run, err := openTrail(tx).run(k, v)
		if err != nil {
			return err
		}
		head = model.AuditAnchor{Seq: run[len(run)-1].Seq, Hash: record.StoredHash(v)}
		return nil
	})
	return head, err
}

// AuditOldestFirst calls fn with every entry in order, for exports.
func (s *Store) AuditOldestFirst(who model.Actor, fn func(model.AuditEntry) error) error {
	return s.viewAs(who, model.OpExportAudit, func(tx *bolt.Tx) error {
		prev := ""
		t := openTrail(tx)
		return t.entries.ForEach(func(k, v []byte) error {
			run, err := t.run(k, v)
			if err != nil {
				return err
			}
			for _, se := range run {
				e := se.AuditEntry
				e.PrevHash, prev = prev, e.Hash
				if err := fn(e); err != nil {
					return err
				}
			}
			return nil
		})
	})
}

// entryAt reads entry seq, and its PrevHash from the entry before it.
func (t *trail) entryAt(c *bolt.Cursor, seq uint64) (storedEntry, error) {
	k, v := c.Seek(record.ID(seq))
	switch {
	case k == nil:
		k, v = c.Last()
	case record.ParseID(k) > seq:
		k, v = c.Prev()
	}
	if k == nil || record.ParseID(k) > seq {
		return storedEntry{}, record.ErrCorrupt
	}
	run, err := t.run(k, v)
	if err != nil {
		return storedEntry{}, err
	}
	i := seq - record.ParseID(k)
	if i >= uint64(len(run)) || run[i].Seq != seq {
		return storedEntry{}, record.ErrCorrupt
	}
	e := run[i]
	if i > 0 {
		e.PrevHash = run[i-1].Hash
	} else {
		_, prev := c.Prev()
		e.PrevHash = record.StoredHash(prev)
	}
	return e, nil
}
