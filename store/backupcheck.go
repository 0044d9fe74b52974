package store

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/keydesk/keydesk/store/osfile"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// BackupError says why a backup file is no good to restore or to keep.
type BackupError struct {
	Backup string
	Why    string
}

func (e *BackupError) Error() string {
	return fmt.Sprintf("the backup %s cannot be used: %s", e.Backup, e.Why)
}

// BackupCheck is what checking a backup file found.
type BackupCheck struct {
	Entries  uint64 // audit entries, verified
	HeadHash string
	Keys     int
	People   int
}

// maxPageProblems keeps a badly damaged file's report to one line.
const maxPageProblems = 3

// checkPages runs bbolt's consistency check of every page of the file at
// path, read-only. A file cut short, or not a bbolt file at all, is a
// *BackupError, as is any page the check finds wrong.
func checkPages(path, name string) error {
	var problems []string
	err := guardFile(path, func() error {
		db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
		if err != nil {
			return err
		}
		defer db.Close()
		return db.View(func(tx *bolt.Tx) error {
			// tx.Check reads in a goroutine of its own, where a page past
			// the end of a cut file is a fault guardFile cannot catch: the
			// file's length, then every page reached from here, first.
			if info, err := os.Stat(path); err != nil {
				return err
			} else if info.Size() < tx.Size() {
				return &DamagedError{Path: path, Detail: fmt.Sprintf("cut short: %d bytes of %d", info.Size(), tx.Size())}
			}
			if err := walkEveryPage(tx); err != nil {
				return err
			}
			for err := range tx.Check() {
				if len(problems) < maxPageProblems {
					problems = append(problems, err.Error())
				}
			}
			return nil
		})
	})
	var damaged *DamagedError
	switch {
	case errors.As(err, &damaged) && strings.HasPrefix(damaged.Detail, "cut short"):
		return &BackupError{Backup: name, Why: "it is " + damaged.Detail}
	case errors.Is(err, bolterrors.ErrTimeout):
		return &InUseError{Path: path}
	case errors.As(err, &damaged):
		return &BackupError{Backup: name, Why: "it is damaged or cut short (" + damaged.Detail + ")"}
	case err != nil:
		return &BackupError{Backup: name, Why: "it is not a whole keydesk database (" + osfile.Innermost(err).Error() + ")"}
	case len(problems) > 0:
		return &BackupError{Backup: name, Why: "bbolt's page check finds it damaged: " + strings.Join(problems, "; ")}
	}
	return nil
}

// walkEveryPage reads every key of every bucket, nested ones too.
func walkEveryPage(tx *bolt.Tx) error {
	var walk func(b *bolt.Bucket) error
	walk = func(b *bolt.Bucket) error {
		return b.ForEach(func(k, v []byte) error {
			if v == nil {
				if inner := b.Bucket(k); inner != nil {
					return walk(inner)
				}
			}
			return nil
		})
	}
	return tx.ForEach(func(_ []byte, b *bolt.Bucket) error { return walk(b) })
}

// CheckBackupFile checks a backup as it lies, changing nothing: bbolt's
// page check, then the audit trail verified and replayed against the
// records. It needs no key file (see RestoreOptions for the codes).
func CheckBackupFile(path string) (BackupCheck, error) {
	if err := checkPages(path, path); err != nil {
		return BackupCheck{}, err
	}
	st, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		return BackupCheck{}, &BackupError{Backup: path, Why: osfile.Innermost(err).Error()}
	}
	defer st.Close()
	return st.checkAsBackup(path)
}

// checkAsBackup verifies an open copy's audit trail and records.
func (s *Store) checkAsBackup(name string) (BackupCheck, error) {
	state, err := s.VerifyAudit()
	if err != nil {
		var damaged *DamagedError
		if errors.As(err, &damaged) {
			return BackupCheck{}, &BackupError{Backup: name, Why: "it is damaged (" + damaged.Detail + ")"}
		}
		return BackupCheck{}, &BackupError{Backup: name, Why: "its audit trail does not verify: " + err.Error()}
	}
	return BackupCheck{Entries: state.Entries, HeadHash: state.HeadHash, Keys: state.Keys, People: state.People}, nil
}
