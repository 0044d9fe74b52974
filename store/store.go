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
	"sync/atomic"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/index"
	"github.com/keydesk/keydesk/store/migrate"
	"github.com/keydesk/keydesk/store/record"
	"github.com/keydesk/keydesk/store/secrets"
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

	allBuckets = [][]byte{bucketMeta, bucketKeys, bucketCodes, bucketEmployees, bucketSerials,
		bucketMACs, bucketRFIDs, bucketEmails, bucketNames, bucketAudit, bucketCounts,
		bucketAdmins, bucketAdminKey, bucketProfiles, bucketProfileNames, bucketProfileCounts, bucketLicenceDays, bucketDeletedHeads}

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
	// ReadOnly opens the file for reading only (bbolt's ReadOnly: the file
	// is opened O_RDONLY under a shared lock), for commands that only read:
	// its bytes never change, and it works on a read-only filesystem. Every
	// write is refused, and no migration runs (see checkReadable).
	ReadOnly bool

	// schemaCap, when set, upgrades a new file only that far: tests make
	// files of older schemas with it.
	schemaCap uint64
}

// Store is an open database. It is safe for concurrent use.
type Store struct {
	db     *dbHandle // the open file; a cluster restore swaps it (dbhandle.go)
	path   string
	now    func() time.Time
	random io.Reader

	// box seals codes and the mail password; nil without the key file,
	// secretsErr then says why (sealed.go).
	box         *secrets.Box
	secretsErr  error
	madeKeyFile bool // this open made the key file

	// gone is set once the path no longer names the file bbolt holds
	// open (identity.go; the file is the db handle's).
	gone atomic.Pointer[FileGoneError]

	// writes queues the writes for group commit; committer is
	// groupCommit, which a benchmark replaces to compare designs.
	writes    writeQueue
	committer func(fn func(tx *bolt.Tx) error) error
	// applying is the command in the write transaction (apply.go).
	applying appliedTx
	// single: the file was found not to be a cluster node's (command.go).
	single atomic.Bool
	// randomMu serialises the draws from random, which need not be safe
	// for concurrent use.
	randomMu sync.Mutex

	mu       sync.Mutex
	watchers map[chan struct{}]struct{}
	feeds    map[*Feed]struct{} // changes.go
	// bootstrap says whether authorized_keys still lists a key (see
	// SetBootstrap); nil trusts the session's word, as commands run
	// locally have no file to ask.
	bootstrap func(fingerprint string) bool

	imports  importLock
	alerts   alertSet                       // alerts.go
	observer atomic.Pointer[observerHolder] // observer.go
	upgraded *Upgrade                       // upgrade.go

	// sound is the check of the file before its first write (sound.go).
	sound soundCheck
	// refusals counts identical refusals together (refusals.go).
	refusals refusals

	// replica, set on a cluster node, sends writes through the Raft log
	// (replicated.go); guarded by mu.
	replica *replica
	// syncRefused is the last directory sync refused in this process,
	// cleared by one applied (directory_status.go): the screens tell it.
	syncRefused atomic.Pointer[SyncRefusedNote]

	// plainKeyIndexes: the file is of a schema before 8, opened read-only,
	// whose key indexes have one entry per value (keyindex.go).
	plainKeyIndexes bool
	// olderRecords: the file is of a schema before 9, opened read-only
	// (or a cluster node's awaiting its upgrade entry, clusterschema.go,
	// whose apply changes it while readers run): its codes are in older
	// forms, its records not sealed (codeseal.go).
	olderRecords atomic.Bool
	schemaCap    uint64 // Options.schemaCap
}

// InUseError is returned by Open when another process holds the database.
type InUseError struct{ Path string }

func (e *InUseError) Error() string {
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
	var held *os.File
	bopt := &bolt.Options{Timeout: opt.LockTimeout, NoSync: opt.NoSync, InitialMmapSize: initialMmapSize, ReadOnly: opt.ReadOnly,
		OpenFile: func(name string, flag int, mode os.FileMode) (*os.File, error) {
			f, err := os.OpenFile(name, flag, mode)
			held = f
			return f, err
		}}
	if opt.ReadOnly {
		bopt.InitialMmapSize = 0 // nothing grows the file
	}
	err := guardFile(path, func() (err error) {
		db, err = bolt.Open(path, 0o600, bopt)
		return err
	})
	var damaged *DamagedError
	if errors.As(err, &damaged) {
		return nil, err
	}
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, &InUseError{Path: path}
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
	info, err := held.Stat()
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("cannot open the database %s: %v", path, err)
	}
	s := &Store{db: newDBHandle(db, info), path: path, now: opt.Now, random: opt.Random, watchers: map[chan struct{}]struct{}{}, schemaCap: opt.schemaCap}
	s.committer = s.groupCommit
	_, keyErr := os.Stat(s.KeyPath())
	scrub := false
	if err := s.settleImport(opt.ReadOnly); err != nil { // importprogress.go: before anything reads
		db.Close()
		return nil, err
	}
	if opt.ReadOnly {
		err = s.checkReadable()
	} else if scrub, err = s.sealsPlainSecrets(); err == nil {
		err = s.migrateKeepingACopy() // upgrade.go
	}
	if err == nil && scrub {
		if err := s.scrub(); err != nil {
			return nil, err
		}
		return Open(path, opt)
	}
	if err == nil {
		err = s.loadSecrets()
	}
	if _, err := os.Stat(s.KeyPath()); err == nil && errors.Is(keyErr, fs.ErrNotExist) {
		s.madeKeyFile = true
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// ReadOnly reports whether the store was opened for reading only.
func (s *Store) ReadOnly() bool { return s.db.IsReadOnly() }

// oldestReadable is the oldest schema whose data this keydesk's reads
// understand as they are, without a migration: a read-only open of an
// older file is refused (a migration cannot run read-only), one of schema
// 4 reads as it is (its codes and password are plain, which openCode and
// openPassword read).
const oldestReadable = 4

// checkReadable is migrate for a read-only store: the schema must be one
// this keydesk reads without changing it.
func (s *Store) checkReadable() error {
	return s.view(func(tx *bolt.Tx) error {
		version := fileSchema(tx)
		switch {
		case version > schemaVersion:
			return s.newerSchema(version)
		case version < oldestReadable:
			return fmt.Errorf("the database %s is of an older schema (%d) that cannot be read without upgrading it: "+
				"open it once for writing to upgrade it (keydesk serve does, as does any command that changes something), or verify a copy", s.path, version)
		}
		s.plainKeyIndexes = version < keyIndexRunsSchema
		s.olderRecords.Store(version < sealedRecordsSchema)
		return nil
	})
}

// Path is the database file's path.
func (s *Store) Path() string { return s.path }

// Close closes the database file.
func (s *Store) Close() error {
	s.refusals.closeAll(s)
	return s.db.Close()
}

// DB exposes bbolt for consistency checks in tests and tools.
func (s *Store) DB() *bolt.DB { return s.db.Load() }

// schemaVersion is the schema this keydesk writes; the upgrades from
// older ones are in store/migrate.
const schemaVersion = migrate.Latest

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

// newerSchema refuses a file of a schema this keydesk does not know.
func (s *Store) newerSchema(version uint64) error {
	return fmt.Errorf("the database %s was written by a newer keydesk (schema %d, this one knows %d)", s.path, version, schemaVersion)
}

func (s *Store) migrate() error {
	return s.guard(func() error { return s.db.Update(s.migrateTx) })
}

func (s *Store) migrateTx(tx *bolt.Tx) error {
	version := fileSchema(tx)
	if version > schemaVersion {
		return s.newerSchema(version)
	}
	target := uint64(schemaVersion)
	if s.schemaCap != 0 {
		target = max(version, s.schemaCap)
	}
	if err := migrate.Run(tx, version, target, upgrader{}); err != nil {
		return err
	}
	s.olderRecords.Store(target < sealedRecordsSchema)
	return tx.Bucket(bucketMeta).Put(metaSchema, record.ID(target))
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

// Refused builds a refusal in the model's terms, for store-level rules
// (not found, taken, changed meanwhile).
func refused(format string, args ...any) error {
	return &model.Refusal{Msg: fmt.Sprintf(format, args...)}
}

// keyIndex is the keys' index name (bucketSerials, bucketMACs or
// bucketRFIDs) in tx.
func (s *Store) keyIndex(tx *bolt.Tx, name []byte) index.Runs {
	return index.OpenRuns(tx.Bucket(name), s.plainKeyIndexes)
}
