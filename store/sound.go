package store

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"sync"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

// A file with flipped bytes can open, read and even take writes: bbolt
// notices a broken page only when it walks it, and a record or an entry
// changed outside keydesk decodes as well as any. Writing on such a file
// buries the damage under new entries. So before its first write a store
// checks what writing relies on: every page (bbolt's own check), the
// audit chain's head (the newest entries hash as stored, follow the entry
// before them, and are the head the file records) and the records those
// entries are about. A damaged file is refused for writing, saying what
// is wrong and what to do; reading goes on (a backup above all, which is
// how what it holds is saved).

// DamagedFileError says why a database is not safe to write to.
type DamagedFileError struct {
	Path     string
	Problems []string
	More     int // past the listed ones
}

func (e *DamagedFileError) Error() string {
	what := problemsText(e.Problems, e.More)
	return fmt.Sprintf("the database %s is damaged, so nothing is written to it: %s. "+
		"Restore it from a backup (keydesk restore BACKUP), or run `keydesk audit verify` to see what is wrong", e.Path, what)
}

func (e *DamagedFileError) add(format string, args ...any) {
	noteProblem(&e.Problems, &e.More, maxSoundProblems, format, args...)
}

// maxSoundProblems keeps the message to one readable line.
const maxSoundProblems = 3

// soundCheck is the outcome of the first check, kept for the store's
// life: a file found damaged stays refused, one found sound is watched by
// guard from then on.
type soundCheck struct {
	once sync.Once
	err  error
}

// CheckSound checks the whole file as its first write would (see above):
// keydesk serve calls it before it listens, so that a damaged file is
// refused at start, not at an admin's first change.
func (s *Store) CheckSound() error {
	s.sound.once.Do(func() { s.sound.err = s.checkSound() })
	return s.sound.err
}

func (s *Store) checkSound() error {
	bad := &DamagedFileError{Path: s.path}
	err := s.view(func(tx *bolt.Tx) error {
		if info, err := os.Stat(s.path); err == nil && info.Size() < tx.Size() {
			// bbolt's check would read past the end of the map, which is a
			// fault, not an error, in a goroutine guard does not cover.
			bad.add("the file is %d bytes, shorter than the %d its pages need (it was cut short)", info.Size(), tx.Size())
			return nil
		}
		for err := range tx.Check() {
			bad.add("bbolt's page check: %v", err)
		}
		checkHead(tx, bad)
		return nil
	})
	if err != nil {
		bad.add("%v", innermostDetail(err))
	}
	if len(bad.Problems) > 0 {
		return bad
	}
	return nil
}

// innermostDetail is what a guarded read found, without the path and the
// advice that DamagedFileError gives once.
func innermostDetail(err error) string {
	if d, ok := err.(*DamagedError); ok {
		return d.Detail
	}
	return err.Error()
}

// checkHead checks the newest run of the audit trail: its entries hash
// as stored and follow the entry before them, the last is the head the
// file records, the numbering has not fallen behind it, and every record
// they are about holds them as the newest of its history.
func checkHead(tx *bolt.Tx, bad *DamagedFileError) {
	t := openTrail(tx)
	head := tx.Bucket(bucketMeta).Get(metaAuditHead)
	c := t.entries.Cursor()
	k, v := c.Last()
	if k == nil {
		if head != nil {
			bad.add("the audit trail is empty, but the file records a head for it (entries were removed)")
		}
		return
	}
	run, err := t.run(k, v)
	if err != nil || len(run) == 0 {
		bad.add("the newest audit entry, from number %d, cannot be read", record.ParseID(k))
		return
	}
	var prev []byte
	if pk, pv := c.Prev(); pk != nil {
		if prev = record.StoredHashRaw(pv); prev == nil {
			bad.add("the audit entry before number %d cannot be read", record.ParseID(k))
			return
		}
	}
	newest := map[[2]uint64]uint64{} // {bucket 0 keys / 1 employees, id} -> seq
	for i, se := range run {
		e := se.AuditEntry
		e.PrevHash = hex.EncodeToString(prev)
		switch {
		case e.Seq != record.ParseID(k)+uint64(i):
			bad.add("audit entry %d is stored under number %d", e.Seq, record.ParseID(k)+uint64(i))
			return
		case !bytes.Equal(se.link, record.AuditLink(prev)):
			bad.add("audit entry %d does not follow the entry before it", e.Seq)
			return
		case e.ComputeHash() != e.Hash:
			bad.add("audit entry %d was changed after it was written", e.Seq)
			return
		}
		prev = se.hash
		if e.KeyID != 0 {
			newest[[2]uint64{0, e.KeyID}] = e.Seq
		}
		if e.EmployeeID != 0 {
			newest[[2]uint64{1, e.EmployeeID}] = e.Seq
		}
	}
	last := run[len(run)-1].Seq
	if !bytes.Equal(head, prev) {
		bad.add("the audit head the file records is not its newest entry, %d (entries were cut off or the head changed)", last)
	}
	if t.entries.Sequence() < last {
		bad.add("the audit trail's numbering, at %d, is behind its newest entry, %d", t.entries.Sequence(), last)
	}
	for ref, seq := range newest {
		checkTouched(tx, ref[0] == 0, ref[1], seq, bad)
	}
}

// checkTouched checks that the record id (a key, else an employee), which
// entry seq is about, reads and holds seq as the newest of its history.
func checkTouched(tx *bolt.Tx, isKey bool, id, seq uint64, bad *DamagedFileError) {
	records, what := bucketEmployees, "employee"
	if isKey {
		records, what = bucketKeys, "key"
	}
	if rec := tx.Bucket(records).Get(record.ID(id)); rec != nil {
		var err error
		var name string
		if isKey {
			var k model.Key
			k, err = decodeKey(rec)
			name = k.Serial
		} else {
			var e model.Employee
			e, err = decodeEmployee(rec)
			name = e.Email
		}
		if err != nil {
			bad.add("the rec of %s id %d, which audit entry %d is about, cannot be read", what, id, seq)
			return
		}
		if rec[0] != record.EntityFormat {
			return // an older format keeps no history head
		}
		if got := historyHead(rec); got != seq {
			bad.add("%s %s holds audit entry %d as its newest, but the trail's newest about it is %d (the rec was changed outside keydesk)",
				what, model.Printable(name), got, seq)
		}
		return
	}
	if got := headOf(tx, records, id); got != seq {
		bad.add("%s id %d, which audit entry %d is about, is missing (it was removed outside keydesk)", what, id, seq)
	}
}
