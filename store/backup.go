package store

import (
	"io"
	"os"
	"time"

	"github.com/keydesk/keydesk/model"
	bolt "go.etcd.io/bbolt"
)

// Backup writes a consistent copy of the database while others go on
// working (a read transaction sees one moment). where says where it goes
// (a file name, or "stdout"), for the audit trail.
//
// Every backup is an audit entry. It cannot be written in the copy's own
// transaction (a copy is a read transaction; an entry needs a write), so
// it is written first, in its own transaction with the role check, and
// the copy, taken after, holds its own entry. A copy that then fails gets
// a second entry saying so.
func (s *Store) Backup(who model.Actor, w io.Writer, where string) (n int64, err error) {
	defer s.observeBackup(time.Now(), &err)
	_, err = s.exec(who, model.OpBackup, backupArgs{Where: where})
	if err != nil {
		return 0, err
	}
	err = s.view(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	if err != nil {
		// Best effort: the copy's own error is what the admin needs.
		s.exec(who, model.OpBackup, backupArgs{Where: where, Failure: err.Error()})
	}
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
	n, err := s.Backup(who, f, path)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return n, err
}

// backupArgs record a backup made to Where, or that failed (Failure).
type backupArgs struct {
	Where   string
	Failure string
}

func (a backupArgs) apply(s *Store, tx *bolt.Tx, env *applyEnv) (any, error) {
	entry := model.AuditEntry{Actor: env.By, Action: model.ActionBackupMade, Target: "database", Note: "to " + a.Where}
	if a.Failure != "" {
		entry.Action, entry.Note = model.ActionBackupFailed, "to "+a.Where+": "+a.Failure
	}
	return nil, s.appendAudit(tx, entry)
}
