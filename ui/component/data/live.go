package data

import (
	"sync"
	"sync/atomic"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
)

// Live is the one view of a store's data in a process: every session of
// keydesk serve, or the local TUI, reads the same Index. It is built once
// and then kept up to date from the store's change feed, one update per
// write, whatever the number of sessions; each session keeps only where
// it is (cursor, search, filter, order).
type Live struct {
	st   *store.Store
	feed *store.Feed

	mu   sync.Mutex // one catch-up at a time; the others wait for its answer
	cur  *Index
	refs int // sessions sharing it (lives.mu)

	builds, updates atomic.Int64
}

var lives = struct {
	sync.Mutex
	of map[*store.Store]*Live
}{of: map[*store.Store]*Live{}}

// Share is the Live of st, made by the first session that asks; release
// it when the session ends (the last release stops following the store).
func Share(st *store.Store) (l *Live, release func()) {
	lives.Lock()
	defer lives.Unlock()
	l = lives.of[st]
	if l == nil {
		l = &Live{st: st, feed: st.Follow()}
		lives.of[st] = l
	}
	l.refs++
	var once sync.Once
	return l, func() {
		once.Do(func() {
			lives.Lock()
			defer lives.Unlock()
			if l.refs--; l.refs == 0 {
				l.feed.Stop()
				delete(lives.of, st)
			}
		})
	}
}

// Latest is the index with every change committed so far: the one
// already made when nothing changed, an update of it after a write, a
// new Build the first time, after a bulk change, and on a new day (the
// licence statuses move at midnight UTC).
func (l *Live) Latest() (*Index, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	// What changes from here on is in the feed for the next call: a
	// record read twice is read the same.
	ch, changed := l.feed.Take()
	cur := l.cur
	switch {
	case cur == nil || ch.All || model.LicenceDay(cur.At) != model.LicenceDay(l.st.Now()):
	case !changed:
		// Nothing written; but the directory's state also says what this
		// process was refused, which no write records.
		d, err := l.st.DirectoryNow()
		if err != nil || sameDirectory(d, cur.directory) {
			return cur, nil
		}
		next, _ := cur.Update(store.Touched{Profiles: cur.Profiles, Directory: d, At: d.At})
		if next != nil {
			l.cur = next
			return next, nil
		}
		return cur, nil
	default:
		touched, err := l.st.ReadTouched(ch)
		if err != nil {
			l.cur = nil // the change is lost: build again next time
			return nil, err
		}
		if next, ok := cur.Update(touched); ok {
			l.updates.Add(1)
			l.cur = next
			return next, nil
		}
	}
	snap, err := l.st.Snapshot()
	if err != nil {
		l.cur = nil
		return nil, err
	}
	l.builds.Add(1)
	l.cur = Build(snap)
	return l.cur, nil
}

// Current is the index made last, without catching up (nil before the
// first Latest).
func (l *Live) Current() *Index {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.cur
}

// Builds and Updates count the whole builds and the updates so far.
func (l *Live) Builds() int64  { return l.builds.Load() }
func (l *Live) Updates() int64 { return l.updates.Load() }
