package store

import (
	"fmt"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

// followBatch bounds the entries one read transaction hands out, so that
// a follower starting from the beginning of a long trail never holds one
// transaction (and the file's map) for the time it takes to ship it all.
const followBatch = 4096

// FollowError says that a follower's place in the trail is no longer
// there: the trail is shorter than it (a restore put an older file back),
// or the entry there has another hash (the trail was rewritten).
type FollowError struct{ Msg string }

func (e *FollowError) Error() string { return e.Msg }

// AuditAfter calls fn with the entries after since.Seq, oldest first,
// each with its PrevHash, at most followBatch of them, and returns how
// many it gave and the seq of the last (since.Seq when none). When
// since.Hash is set, entry since.Seq must still have that hash. who's
// role must allow exporting the audit trail; it is checked at every call,
// so a follower whose role is taken away stops at its next batch.
func (s *Store) AuditAfter(who model.Actor, since model.AuditAnchor, fn func(model.AuditEntry) error) (last uint64, n int, err error) {
	last = since.Seq
	err = s.viewAs(who, model.OpExportAudit, func(tx *bolt.Tx) error {
		t := openTrail(tx)
		c := t.entries.Cursor()
		var k, v []byte
		prev := ""
		skip := 0 // entries of the first run already seen
		if since.Seq == 0 {
			k, v = c.First()
		} else {
			k, v = c.Seek(record.ID(since.Seq))
			switch {
			case k == nil:
				k, v = c.Last()
			case record.ParseID(k) > since.Seq:
				k, v = c.Prev()
			}
			var run []storedEntry
			i := 0
			if k != nil {
				var err error
				if run, err = t.run(k, v); err != nil {
					return err
				}
				i = int(since.Seq - record.ParseID(k))
			}
			if i >= len(run) {
				ends := uint64(0)
				if len(run) > 0 {
					ends = run[len(run)-1].Seq
				}
				return &FollowError{Msg: fmt.Sprintf("the audit trail ends at entry %d, before entry %d: the database was replaced by an older copy (restored), or the trail was cut", ends, since.Seq)}
			}
			if since.Hash != "" && run[i].Hash != since.Hash {
				return &FollowError{Msg: fmt.Sprintf("audit entry %d has hash %s now, not %s: the trail was rewritten", since.Seq, run[i].Hash, since.Hash)}
			}
			prev, skip = run[i].Hash, i+1
		}
		for ; k != nil; k, v = c.Next() {
			run, err := t.run(k, v)
			if err != nil {
				return err
			}
			for _, se := range run[min(skip, len(run)):] {
				if n == followBatch {
					return nil
				}
				e := se.AuditEntry
				e.PrevHash, prev = prev, e.Hash
				if err := fn(e); err != nil {
					return err
				}
				last = e.Seq
				n++
			}
			skip = 0
		}
		return nil
	})
	return last, n, err
}
