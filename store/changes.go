package store

import (
	"slices"
	"sync"
	"time"

	"github.com/keydesk/keydesk/model"
	bolt "go.etcd.io/bbolt"
)

// Change says which records committed writes touched (created, changed
// or deleted), so that a view of the data can update those alone instead
// of reading everything again. All says to read everything again: a
// bulk write (an import, demo data), a change of what many rows show (a
// profile), or more records than a list is worth.
type Change struct {
	Keys      []uint64
	Employees []uint64
	All       bool
}

// maxListedChange is how many records a Change lists before it says All:
// past it, reading everything again costs about the same.
const maxListedChange = 4096

// changeSet gathers the touches of one transaction, or of several for a
// follower that has not taken them yet.
type changeSet struct {
	keys, employees map[uint64]struct{}
	all             bool
}

func (c *changeSet) touch(set *map[uint64]struct{}, id uint64) {
	if c.all || id == 0 {
		return
	}
	if *set == nil {
		*set = map[uint64]struct{}{}
	}
	(*set)[id] = struct{}{}
	if len(c.keys)+len(c.employees) > maxListedChange {
		c.markAll()
	}
}

func (c *changeSet) markAll() { c.all, c.keys, c.employees = true, nil, nil }

func (c *changeSet) empty() bool { return !c.all && len(c.keys) == 0 && len(c.employees) == 0 }

func (c *changeSet) merge(o *changeSet) {
	if o.all {
		c.markAll()
	}
	for id := range o.keys {
		c.touch(&c.keys, id)
	}
	for id := range o.employees {
		c.touch(&c.employees, id)
	}
}

func (c *changeSet) change() Change {
	ids := func(set map[uint64]struct{}) []uint64 {
		out := make([]uint64, 0, len(set))
		for id := range set {
			out = append(out, id)
		}
		slices.Sort(out)
		return out
	}
	return Change{Keys: ids(c.keys), Employees: ids(c.employees), All: c.all}
}

// touches holds the change set of each write transaction in flight,
// which commitGroup registers; the writes of records report to it. A
// transaction nobody registered (a migration at open) reports nowhere.
var touches sync.Map // *bolt.Tx -> *changeSet

func touchedIn(tx *bolt.Tx) *changeSet {
	if c, ok := touches.Load(tx); ok {
		return c.(*changeSet)
	}
	return nil
}

// touchKey and touchEmployee record that tx wrote the record with id;
// touchAll that it wrote more than records can say.
func touchKey(tx *bolt.Tx, id uint64) {
	if c := touchedIn(tx); c != nil {
		c.touch(&c.keys, id)
	}
}

func touchEmployee(tx *bolt.Tx, id uint64) {
	if c := touchedIn(tx); c != nil {
		c.touch(&c.employees, id)
	}
}

func touchAll(tx *bolt.Tx) {
	if c := touchedIn(tx); c != nil {
		c.markAll()
	}
}

// tracked runs a write transaction's fn with its touches gathered; they
// are published to the followers only once the transaction committed.
func (s *Store) tracked(update func(func(tx *bolt.Tx) error) error, fn func(tx *bolt.Tx) error) error {
	c := &changeSet{}
	var held *bolt.Tx
	err := update(func(tx *bolt.Tx) error {
		held = tx
		touches.Store(tx, c)
		return fn(tx)
	})
	if held != nil {
		touches.Delete(held)
	}
	if err == nil && !c.empty() {
		s.publish(c)
	}
	return err
}

// Feed collects the changes committed since its last Take. C receives a
// signal when there is something to take (coalesced, like Watch).
type Feed struct {
	s       *Store
	c       chan struct{}
	mu      sync.Mutex
	pending changeSet
}

// Follow starts a feed of changes; Stop it when done.
func (s *Store) Follow() *Feed {
	f := &Feed{s: s, c: make(chan struct{}, 1)}
	s.mu.Lock()
	if s.feeds == nil {
		s.feeds = map[*Feed]struct{}{}
	}
	s.feeds[f] = struct{}{}
	s.mu.Unlock()
	return f
}

// C signals that changes wait to be taken.
func (f *Feed) C() <-chan struct{} { return f.c }

// Take returns every change committed since the last Take (merged), and
// whether there was any.
func (f *Feed) Take() (Change, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.pending.empty() {
		return Change{}, false
	}
	ch := f.pending.change()
	f.pending = changeSet{}
	return ch, true
}

// Stop ends the feed.
func (f *Feed) Stop() {
	f.s.mu.Lock()
	delete(f.s.feeds, f)
	f.s.mu.Unlock()
}

// publish hands a committed transaction's touches to every feed before
// its writers return, so that a reader told of a write by Watch finds it
// in its feed.
func (s *Store) publish(c *changeSet) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for f := range s.feeds {
		f.mu.Lock()
		f.pending.merge(c)
		f.mu.Unlock()
		select {
		case f.c <- struct{}{}:
		default:
		}
	}
}

// Touched is the records a Change names as they are now, read in one
// transaction: the keys (without codes) and employees that exist, the
// ids of those that no longer do, and every profile with its count.
type Touched struct {
	Keys          []model.Key
	Employees     []model.Employee
	GoneKeys      []uint64
	GoneEmployees []uint64
	Profiles      []ProfileUse
	// Directory is the directory sync's state without its leavers (Due
	// and Pending need every employee: the view keeps them up to date
	// from the employees touched). At is when it was read.
	Directory DirectoryStatus
	At        time.Time
}

// ReadTouched reads the records a change names.
func (s *Store) ReadTouched(ch Change) (Touched, error) {
	var t Touched
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		t.At = s.now()
		if t.Directory, err = s.directoryStatusTx(tx, nil, t.At); err != nil {
			return err
		}
		if t.Profiles, err = profileUses(tx); err != nil {
			return err
		}
		if t.Keys, t.GoneKeys, err = recordsByID(tx, bucketKeys, ch.Keys, decodeKey); err != nil {
			return err
		}
		if t.Employees, t.GoneEmployees, err = recordsByID(tx, bucketEmployees, ch.Employees, decodeEmployee); err != nil {
			return err
		}
		return nil
	})
	return t, err
}

// DirectoryNow is the directory sync's state without its leavers (see
// Touched), read now.
func (s *Store) DirectoryNow() (DirectoryStatus, error) {
	return viewValue(s, func(tx *bolt.Tx) (DirectoryStatus, error) {
		return s.directoryStatusTx(tx, nil, s.now())
	})
}

// Now is the store's clock: the moment a Snapshot read now would carry.
func (s *Store) Now() time.Time { return s.now() }
