package store

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/osfile"
	"github.com/keydesk/keydesk/store/record"
	"github.com/keydesk/keydesk/store/secrets"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// RestoreOptions say what to put back and how.
type RestoreOptions struct {
	// Backup is the backup file (as keydesk backup wrote it).
	Backup string
	// KeyFile is the backup's key file; "" means the one named after the
	// backup (secrets.KeyPath), where keydesk backup says to put it.
	KeyFile string
	// OtherDatabase lets a backup whose audit trail began apart from the
	// current database's replace it (moving a database between hosts).
	OtherDatabase bool
	// Actor is who restores, named in the restored trail.
	Actor model.Actor
	// Now is the clock; nil means the time now.
	Now func() time.Time
}

// RestoreResult says what was put back and where the replaced file is.
type RestoreResult struct {
	BackupCheck
	Codes     int    // activation codes, each opened with the key file
	KeptAs    string // the database file the restore replaced, kept; "" when there was none
	KeyKeptAs string // its key file, kept; "" when there was none
}

// Restore puts a backup in place of the database at dbPath. The backup is
// checked first, on a copy beside the database: bbolt's page check, the
// key file opens every activation code in it, its audit trail verifies,
// and its trail began where the current one did (unless OtherDatabase).
// The database must not be held by any program (keydesk serve, or a
// command): its lock is taken for the whole restore. The current file and
// its key file are kept beside it, renamed, never overwritten; the
// restore is an entry in the restored trail.
func Restore(dbPath string, opt RestoreOptions) (RestoreResult, error) {
	var res RestoreResult
	if opt.Now == nil {
		opt.Now = func() time.Time { return time.Now().UTC() }
	}
	if opt.KeyFile == "" {
		opt.KeyFile = secrets.KeyPath(opt.Backup)
	}
	if info, err := os.Stat(opt.Backup); err != nil {
		return res, &BackupError{Backup: opt.Backup, Why: osfile.Innermost(err).Error()}
	} else if !info.Mode().IsRegular() || info.Size() == 0 {
		return res, &BackupError{Backup: opt.Backup, Why: "it is empty, or not a file"}
	}
	if same(opt.Backup, dbPath) {
		return res, &BackupError{Backup: opt.Backup, Why: "it is the database itself"}
	}

	current, err := holdCurrent(dbPath)
	if err != nil {
		return res, err
	}
	defer current.release()

	staging := strings.TrimSuffix(dbPath, ".db") + ".restoring.db"
	stagingKey := secrets.KeyPath(staging)
	for _, leftover := range []string{staging, stagingKey} {
		if err := os.Remove(leftover); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return res, err
		}
	}
	done := false
	defer func() {
		if !done {
			os.Remove(staging)
			os.Remove(stagingKey)
		}
	}()
	if err := copyNewFile(opt.Backup, staging); err != nil {
		return res, fmt.Errorf("cannot copy the backup beside the database: %v", osfile.Innermost(err))
	}
	if err := checkPages(staging, opt.Backup); err != nil {
		return res, err
	}
	if err := copyNewFile(opt.KeyFile, stagingKey); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return res, fmt.Errorf("cannot copy the key file %s: %v", opt.KeyFile, osfile.Innermost(err))
	}

	st, err := Open(staging, Options{Now: opt.Now})
	if err != nil {
		return res, &BackupError{Backup: opt.Backup, Why: osfile.Innermost(err).Error()}
	}
	defer func() {
		if st != nil {
			st.Close()
		}
	}()
	if res.Codes, err = st.openEveryCode(opt.KeyFile); err != nil {
		return res, &BackupError{Backup: opt.Backup, Why: err.Error()}
	}
	if res.BackupCheck, err = st.checkAsBackup(opt.Backup); err != nil {
		return res, err
	}
	if !opt.OtherDatabase && current.firstHash != "" {
		first, err := st.firstAuditHash()
		if err != nil {
			return res, err
		}
		if first != current.firstHash {
			return res, &BackupError{Backup: opt.Backup, Why: "it is a backup of another database (its audit trail does not begin as this one's does): " +
				"give --other-database to replace this database with it all the same"}
		}
	}

	if current.exists {
		stamp := opt.Now().UTC().Format("20060102T150405Z")
		res.KeptAs = strings.TrimSuffix(dbPath, ".db") + ".before-restore-" + stamp + ".db"
		if _, err := os.Stat(secrets.KeyPath(dbPath)); err == nil {
			res.KeyKeptAs = secrets.KeyPath(res.KeptAs)
		}
	}
	note := "from " + opt.Backup + fmt.Sprintf(" (its trail ended at entry %d)", res.Entries)
	if res.KeptAs != "" {
		note += "; the file it replaced is kept as " + res.KeptAs
	}
	if _, err := st.exec(opt.Actor, model.OpBackup, restoreArgs{Note: note}); err != nil {
		return res, err
	}
	if err := st.Close(); err != nil {
		return res, err
	}
	st = nil

	if res.KeptAs != "" {
		if err := os.Rename(dbPath, res.KeptAs); err != nil {
			return res, fmt.Errorf("cannot keep the current database as %s: %v", res.KeptAs, osfile.Innermost(err))
		}
		if res.KeyKeptAs != "" {
			if err := os.Rename(secrets.KeyPath(dbPath), res.KeyKeptAs); err != nil {
				os.Rename(res.KeptAs, dbPath)
				return res, fmt.Errorf("cannot keep the current key file as %s: %v", res.KeyKeptAs, osfile.Innermost(err))
			}
		}
	}
	if err := os.Rename(staging, dbPath); err != nil {
		return res, fmt.Errorf("cannot put the backup in place (the current database is kept as %s): %v", res.KeptAs, osfile.Innermost(err))
	}
	done = true
	if _, err := os.Stat(stagingKey); err == nil {
		if err := os.Rename(stagingKey, secrets.KeyPath(dbPath)); err != nil {
			return res, fmt.Errorf("the backup is in place, but its key file is not: move %s to %s: %v", stagingKey, secrets.KeyPath(dbPath), osfile.Innermost(err))
		}
	}
	return res, osfile.SyncName(dbPath)
}

// currentFile is the database a restore replaces, held locked.
type currentFile struct {
	exists    bool
	firstHash string // its first audit entry's hash; "" when none or unreadable
	release   func()
}

// holdCurrent takes the database's lock as bbolt takes it (an exclusive
// flock), so that neither keydesk serve nor any command holds it during
// the restore, or can open it while the restore runs. A damaged file,
// which bbolt cannot open, is locked all the same.
func holdCurrent(dbPath string) (currentFile, error) {
	cur := currentFile{release: func() {}}
	info, err := os.Stat(dbPath)
	if errors.Is(err, fs.ErrNotExist) {
		return cur, nil
	}
	if err != nil {
		return cur, fmt.Errorf("cannot read the database %s: %v", dbPath, osfile.Innermost(err))
	}
	cur.exists = true
	if info.Size() == 0 {
		return cur, nil
	}
	var db *bolt.DB
	err = guardFile(dbPath, func() (err error) {
		db, err = bolt.Open(dbPath, 0o600, &bolt.Options{Timeout: time.Second})
		return err
	})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return cur, &InUseError{Path: dbPath}
	}
	if err != nil {
		unlock, lockErr := lockFile(dbPath)
		if lockErr != nil {
			return cur, lockErr
		}
		cur.release = unlock
		return cur, nil
	}
	cur.release = func() { db.Close() }
	guardFile(dbPath, func() error {
		return db.View(func(tx *bolt.Tx) error {
			if tx.Bucket(bucketAudit) == nil || tx.Bucket(bucketAuditActors) == nil {
				return nil
			}
			cur.firstHash, _ = firstHashIn(tx)
			return nil
		})
	})
	return cur, nil
}

// firstAuditHash is the hash of entry 1: it depends on that entry's time,
// actor and target, so two databases' trails begin apart.
func (s *Store) firstAuditHash() (string, error) {
	var h string
	err := s.view(func(tx *bolt.Tx) (err error) {
		h, err = firstHashIn(tx)
		return err
	})
	return h, err
}

func firstHashIn(tx *bolt.Tx) (string, error) {
	t := openTrail(tx)
	k, v := t.entries.Cursor().First()
	if k == nil {
		return "", nil
	}
	run, err := t.run(k, v)
	if err != nil || len(run) == 0 {
		return "", record.ErrCorrupt
	}
	return run[0].Hash, nil
}

// openEveryCode opens every stored activation code with the key file the
// store loaded, and returns how many there are. A database whose secrets
// have no key yet (nothing ever sealed) needs none.
func (s *Store) openEveryCode(keyFile string) (int, error) {
	if s.box == nil {
		var se *SecretsError
		if errors.As(s.secretsErr, &se) && se.Why == "this database has no key yet" {
			return 0, nil
		}
		why := "the key file cannot be used"
		if se != nil {
			why = se.Why
			if errors.Is(s.secretsErr, fs.ErrNotExist) || se.Why == "its key file is missing" {
				why = "its key file is missing"
			}
		}
		return 0, fmt.Errorf("%s (%s): its activation codes and mail password would be unreadable; give the key file the backup was made with (--key-file)", why, keyFile)
	}
	n := 0
	err := s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketCodes).ForEach(func(k, v []byte) error {
			n++
			if _, err := s.openCode(record.ParseID(k), v); err != nil {
				return fmt.Errorf("the key file %s does not open the activation code of key id %d", keyFile, record.ParseID(k))
			}
			return nil
		})
	})
	return n, err
}

func same(a, b string) bool {
	ia, errA := os.Stat(a)
	ib, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(ia, ib)
}

// copyNewFile copies src to a new file dst, mode 0600, on disk when it
// returns.
func copyNewFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// restoreArgs record, in the restored copy, that it was put back. The
// command is not encoded (it has no tag in argsKinds): a restore replaces
// the whole file, so it is never one of a log's commands to replay or
// ship.
type restoreArgs struct {
	Note string
}

func (a restoreArgs) apply(s *Store, tx *bolt.Tx, env *applyEnv) (any, error) {
	return nil, s.appendAudit(tx, model.AuditEntry{Actor: env.By, Action: model.ActionDatabaseRestored, Target: "database", Note: a.Note})
}
