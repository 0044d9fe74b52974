package data

import (
	"runtime"
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

	// mu guards what follows; it is never held during a Build, which
	// takes seconds at a million rows: the sessions keep reading the
	// version published last until the next one is made.
	mu       sync.Mutex
	cur      *Index
	building chan struct{} // closed when the Build under way is published; nil: none
	buildErr error         // why the last Build failed (cur is nil then)
	refs     int           // sessions sharing it (lives.mu)

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
// licence statuses move at midnight UTC). While a Build other than the
// first is under way it is the version before (see Read).
func (l *Live) Latest() (*Index, error) {
	x, _, err := l.Read()
	return x, err
}

// Read is Latest, and next: while the next version is being built
// (after a bulk change, a profile's change, a new day), Read answers at
// once with the version before it, and next is closed when the new one
// is published, to read again then (nil when none is being built).
// Only the first Build is waited for: there is nothing to show before
// it.
func (l *Live) Read() (x *Index, next <-chan struct{}, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for {
		if l.building != nil {
			if l.cur != nil {
				return l.cur, l.building, nil
			}
			wait := l.building
			l.mu.Unlock()
			<-wait
			l.mu.Lock()
			if l.cur == nil && l.building == nil {
				return nil, nil, l.buildErr
			}
			continue // built: catch up with the writes made since
		}
		x, build, err := l.catchUp()
		if err != nil || !build {
			return x, nil, err
		}
		done := make(chan struct{})
		l.building = done
		go l.build(done)
	}
}

// build reads the whole store and publishes its index.
func (l *Live) build(done chan struct{}) {
	if hook := buildHook.Load(); hook != nil {
		(*hook)()
	}
	snap, err := l.st.Snapshot()
	var x *Index
	if err == nil {
		x = build(snap, gramsLater)
		l.builds.Add(1)
	}
	l.mu.Lock()
	// A failed Build leaves no version: the next Read builds again and
	// waits for it (its error is that Read's).
	l.cur, l.buildErr, l.building = x, err, nil
	l.mu.Unlock()
	close(done)
	// The search's gram indexes, after the version is shown: searches
	// read the text until they are made (seconds at a million rows).
	// Then the build's garbage is collected at once, while nothing waits
	// for it. Left to the collector's pace (once the heap has doubled),
	// every search after it took fresh pages from the system, and at a
	// million rows their page faults were most of a keystroke's time.
	if x != nil && x.makeGrams() {
		runtime.GC()
	}
}

// buildHook, when set, runs before a Live's Build (tests hold a Build
// under way with it).
var buildHook atomic.Pointer[func()]

// catchUp updates cur with the changes committed since it was made;
// build is true when that takes a whole Build (l.mu held).
func (l *Live) catchUp() (x *Index, build bool, err error) {
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
			return cur, false, nil
		}
		next, _ := cur.Update(store.Touched{Profiles: cur.Profiles, Directory: d, At: d.At})
		if next != nil {
			l.cur = next
			return next, false, nil
		}
		return cur, false, nil
	default:
		touched, err := l.st.ReadTouched(ch)
		if err != nil {
			l.cur = nil // the change is lost: build again next time
			return nil, false, err
		}
		if next, ok := cur.Update(touched); ok {
			l.updates.Add(1)
			l.cur = next
			return next, false, nil
		}
	}
	return nil, true, nil
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
