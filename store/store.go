// Package store keeps keydesk's data in one bbolt file. Every admin or
// device operation is one method and one write transaction: read, ask the
// model's rules, write the records, their indexes and the audit entry.
package store

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"
	"time"

	"github.com/keydesk/keydesk/model"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

var (
	bucketMeta      = []byte("meta")
	bucketKeys      = []byte("keys")
	bucketCodes     = []byte("codes")
	bucketEmployees = []byte("employees")
	bucketSerials   = []byte("idx_serial")
	bucketMACs      = []byte("idx_mac")
	bucketRFIDs     = []byte("idx_rfid")
	bucketEmails    = []byte("idx_email")
	bucketNames     = []byte("idx_name")
	bucketAudit     = []byte("audit")
	bucketAuditKey  = []byte("audit_by_key")
	bucketAuditEmp  = []byte("audit_by_employee")

	allBuckets = [][]byte{bucketMeta, bucketKeys, bucketCodes, bucketEmployees, bucketSerials,
		bucketMACs, bucketRFIDs, bucketEmails, bucketNames, bucketAudit, bucketAuditKey, bucketAuditEmp, bucketCounts,
		bucketAdmins, bucketAdminKey}

	metaSchema = []byte("schema_version")
)

// Options tune a store; the zero value is what production uses.
type Options struct {
	// LockTimeout is how long Open waits for another process to let go of
	// the file. Default one second.
	LockTimeout time.Duration
	// Now is the clock; tests move it to expire codes.
	Now func() time.Time
	// Random feeds activation codes; nil means crypto/rand.
	Random io.Reader
	// NoSync skips fsync. Only for tests and demo filling speed, never for
	// an admin's data.
	NoSync bool
}

// Store is an open database. It is safe for concurrent use.
type Store struct {
	db     *bolt.DB
	path   string
	now    func() time.Time
	random io.Reader

	// heldHistory is set only inside FillDemo's transaction (bbolt runs
	// one writer at a time): see historyIndex.
	heldHistory *historyIndex

	mu       sync.Mutex
	watchers map[chan struct{}]struct{}
}

// ErrInUse is returned by Open when another process holds the database.
type ErrInUse struct{ Path string }

func (e *ErrInUse) Error() string {
	return fmt.Sprintf("the database %s is in use by another keydesk program", e.Path)
}

// Open opens or creates the database at path with mode 0600.
func Open(path string, opt Options) (*Store, error) {
	if opt.LockTimeout == 0 {
		opt.LockTimeout = time.Second
	}
	if opt.Now == nil {
		opt.Now = func() time.Time { return time.Now().UTC() }
	}
	var db *bolt.DB
	err := guardFile(path, func() (err error) {
		db, err = bolt.Open(path, 0o600, &bolt.Options{Timeout: opt.LockTimeout, NoSync: opt.NoSync, InitialMmapSize: initialMmapSize})
		return err
	})
	var damaged *ErrDamaged
	if errors.As(err, &damaged) {
		return nil, err
	}
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, &ErrInUse{Path: path}
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("cannot open the database %s: its folder does not exist", path)
	}
	if errors.Is(err, fs.ErrPermission) {
		return nil, fmt.Errorf("cannot open the database %s: permission denied", path)
	}
	if err != nil {
		detail := err
		if inner := errors.Unwrap(err); inner != nil {
			detail = inner // the path is said once, not twice
		}
		return nil, fmt.Errorf("cannot open the database %s: %v", path, detail)
	}
	db.AllocSize = fileGrowStep
	s := &Store{db: db, path: path, now: opt.Now, random: opt.Random, watchers: map[chan struct{}]struct{}{}}
	if err := s.migrate(); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Path is the database file's path.
func (s *Store) Path() string { return s.path }

// Close closes the database file.
func (s *Store) Close() error { return s.db.Close() }

// DB exposes bbolt for consistency checks in tests and tools.
func (s *Store) DB() *bolt.DB { return s.db }

// migrations bring a database from version i to i+1; the schema version in
// the meta bucket says how many have run.
var migrations = []func(tx *bolt.Tx) error{
	createBuckets,  // 0 -> 1
	migrateAuditV2, // 1 -> 2: compact audit entries and history indexes
	migrateCounts,  // 2 -> 3: keys counted by status
	migrateAdmins,  // 3 -> 4: the admins table and their roles
}

const schemaVersion = 4

// initialMmapSize reserves address space (not disk) up front: growing the
// map later copies every node a big transaction touched, and waits for
// all readers (a backup, a list being loaded) to finish.
const initialMmapSize = 1 << 30

// fileGrowStep is how far past its data bbolt grows the file. Its default
// (16 MiB) would make even an empty database that big once the map is
// reserved; growing costs one truncate and fsync per step.
const fileGrowStep = 1 << 20

func createBuckets(tx *bolt.Tx) error {
	for _, name := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) migrate() error {
	return s.guard(func() error { return s.db.Update(s.migrateTx) })
}

func (s *Store) migrateTx(tx *bolt.Tx) error {
	version := uint64(0)
	if meta := tx.Bucket(bucketMeta); meta != nil {
		version = btoi(meta.Get(metaSchema))
	}
	if version > schemaVersion {
		return fmt.Errorf("the database %s was written by a newer keydesk (schema %d, this one knows %d)", s.path, version, schemaVersion)
	}
	for v := version; v < schemaVersion; v++ {
		if err := migrations[v](tx); err != nil {
			return fmt.Errorf("upgrading the database to schema %d: %w", v+1, err)
		}
	}
	return tx.Bucket(bucketMeta).Put(metaSchema, itob(schemaVersion))
}

// Watch returns a channel that receives a signal after every committed
// change, so that other screens and sessions can refresh. The signal is
// coalesced: one pending signal stands for any number of changes. Call the
// returned stop function when done.
func (s *Store) Watch() (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	s.mu.Lock()
	s.watchers[ch] = struct{}{}
	s.mu.Unlock()
	return ch, func() {
		s.mu.Lock()
		delete(s.watchers, ch)
		s.mu.Unlock()
	}
}

func (s *Store) notify() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for ch := range s.watchers {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// Backup writes a consistent copy of the database while others go on
// working (a read transaction sees one moment).
func (s *Store) Backup(who model.Actor, w io.Writer) (int64, error) {
	var n int64
	err := s.viewAs(who, model.OpBackup, func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

// BackupToFile writes the copy to a new file with mode 0600.
func (s *Store) BackupToFile(who model.Actor, path string) (int64, error) {
	if err := s.Check(who, model.OpBackup); err != nil {
		return 0, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return 0, err
	}
	n, err := s.Backup(who, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return n, err
}

// Refused builds a refusal in the model's terms, for store-level rules
// (not found, taken, changed meanwhile).
func refused(format string, args ...any) error {
	return &model.Refusal{Msg: fmt.Sprintf(format, args...)}
}
