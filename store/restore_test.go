package store

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/secrets"
	bolt "go.etcd.io/bbolt"
)

// restoreFixture is a database with a Reserved key (a sealed code), a
// backup of it with its key file beside it, and a change made after the
// backup; the database is closed.
type restoreFixture struct {
	db, backup, code string
	clock            *testClock
}

func newRestoreFixture(t *testing.T) restoreFixture {
	t.Helper()
	s, clock := tOpen(t)
	code := tKeyIn(t, s, "K-1", "Ann", model.Reserved)
	backup := filepath.Join(t.TempDir(), "monday.db")
	if _, err := s.BackupToFile(tAdmin, backup); err != nil {
		t.Fatal(err)
	}
	if err := copyNewFile(s.KeyPath(), secrets.KeyPath(backup)); err != nil {
		t.Fatal(err)
	}
	tImportKeys(t, s, "AFTER-BACKUP")
	s.Close()
	return restoreFixture{db: s.Path(), backup: backup, code: code, clock: clock}
}

// unchanged fails unless the database at path still holds want and no
// file of a restore is left beside it.
func unchanged(t *testing.T, path string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("the database changed (err %v)", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range entries {
		if strings.Contains(e.Name(), "restor") {
			t.Errorf("a restore left %s behind", e.Name())
		}
	}
}

func TestRestorePutsTheBackupBackAndKeepsTheCurrentFile(t *testing.T) {
	f := newRestoreFixture(t)
	before, _ := os.ReadFile(f.db)
	res, err := Restore(f.db, RestoreOptions{Backup: f.backup, Actor: tAdmin, Now: f.clock.Now})
	if err != nil {
		t.Fatalf("Restore: %v", err)
	}
	if res.Codes != 1 || res.Keys != 1 || res.Entries == 0 {
		t.Errorf("result %+v: want 1 code, 1 key, some entries", res)
	}
	kept, err := os.ReadFile(res.KeptAs)
	if err != nil || !bytes.Equal(kept, before) {
		t.Errorf("the replaced file is not kept as it was at %s (err %v)", res.KeptAs, err)
	}
	if _, err := os.Stat(res.KeyKeptAs); err != nil {
		t.Errorf("the replaced key file is not kept: %v", err)
	}

	s, err := Open(f.db, Options{Now: f.clock.Now, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Key("AFTER-BACKUP"); err == nil {
		t.Error("the key imported after the backup is still there")
	}
	view, err := s.ShowCode(tAdmin, Serial("K-1"))
	if err != nil || view.Digits != f.code {
		t.Errorf("the restored code: %q, %v; want %q", view.Digits, err, f.code)
	}
	if _, err := s.VerifyAudit(); err != nil {
		t.Errorf("the restored trail does not verify: %v", err)
	}
	var restored *model.AuditEntry
	found, _, err := s.AuditOlder(0, 1, func(e *model.AuditEntry) bool { return e.Action == model.ActionDatabaseRestored })
	if err != nil {
		t.Fatal(err)
	}
	if len(found) == 1 {
		restored = &found[0]
	}
	if restored == nil || !strings.Contains(restored.Note, f.backup) || !strings.Contains(restored.Note, res.KeptAs) || restored.Actor != tAdminName {
		t.Errorf("the restore is not in the restored trail as it should be: %+v", restored)
	}
}

func TestRestoreRefusesATruncatedBackup(t *testing.T) {
	f := newRestoreFixture(t)
	before, _ := os.ReadFile(f.db)
	whole, _ := os.ReadFile(f.backup)
	cut := filepath.Join(t.TempDir(), "cut.db")
	os.WriteFile(cut, whole[:len(whole)/2], 0o600)
	copyNewFile(secrets.KeyPath(f.backup), secrets.KeyPath(cut))
	_, err := Restore(f.db, RestoreOptions{Backup: cut, Actor: tAdmin})
	var be *BackupError
	if !errors.As(err, &be) || !strings.Contains(err.Error(), "cut short") {
		t.Fatalf("a truncated backup: %v", err)
	}
	unchanged(t, f.db, before)
}

func TestRestoreRefusesABackupOfAnotherDatabase(t *testing.T) {
	f := newRestoreFixture(t)
	before, _ := os.ReadFile(f.db)
	other, _ := tOpen(t)
	f.clock.Advance(1)
	tImportKeys(t, other, "ELSEWHERE")
	otherBackup := filepath.Join(t.TempDir(), "other.db")
	if _, err := other.BackupToFile(tAdmin, otherBackup); err != nil {
		t.Fatal(err)
	}
	copyNewFile(other.KeyPath(), secrets.KeyPath(otherBackup))
	_, err := Restore(f.db, RestoreOptions{Backup: otherBackup, Actor: tAdmin})
	if err == nil || !strings.Contains(err.Error(), "another database") {
		t.Fatalf("a backup of another database: %v", err)
	}
	unchanged(t, f.db, before)
	if _, err := Restore(f.db, RestoreOptions{Backup: otherBackup, Actor: tAdmin, OtherDatabase: true}); err != nil {
		t.Fatalf("with OtherDatabase: %v", err)
	}
	s, err := Open(f.db, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Key("ELSEWHERE"); err != nil {
		t.Errorf("the other database is not in place: %v", err)
	}
}

func TestRestoreRefusesAWrongKeyFile(t *testing.T) {
	f := newRestoreFixture(t)
	before, _ := os.ReadFile(f.db)
	other, _ := tOpen(t)
	tKeyIn(t, other, "X-1", "Xan", model.Reserved)
	for name, key := range map[string]string{
		"another database's key": other.KeyPath(),
		"no key file":            filepath.Join(t.TempDir(), "missing.key"),
	} {
		_, err := Restore(f.db, RestoreOptions{Backup: f.backup, KeyFile: key, Actor: tAdmin})
		if err == nil || !strings.Contains(err.Error(), key) || !strings.Contains(err.Error(), "--key-file") {
			t.Errorf("%s: %v", name, err)
		}
		unchanged(t, f.db, before)
	}
}

func TestRestoreRefusesWhileTheDatabaseIsHeld(t *testing.T) {
	f := newRestoreFixture(t)
	held, err := Open(f.db, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(f.db)
	_, err = Restore(f.db, RestoreOptions{Backup: f.backup, Actor: tAdmin})
	held.Close()
	var inUse *InUseError
	if !errors.As(err, &inUse) {
		t.Fatalf("a held database: %v", err)
	}
	unchanged(t, f.db, before)
}

// A damaged database, which bbolt cannot open, is still locked while it
// is replaced.
func TestRestoreReplacesADamagedDatabase(t *testing.T) {
	f := newRestoreFixture(t)
	if err := os.WriteFile(f.db, []byte("not a database at all, but the file is there"), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := Restore(f.db, RestoreOptions{Backup: f.backup, Actor: tAdmin})
	if err != nil {
		t.Fatalf("Restore over a damaged file: %v", err)
	}
	if kept, _ := os.ReadFile(res.KeptAs); !strings.HasPrefix(string(kept), "not a database") {
		t.Errorf("the damaged file is not kept")
	}
	if _, err := CheckBackupFile(f.db); err != nil {
		t.Errorf("the restored file does not check: %v", err)
	}
}

// Onto a path with no database yet (a new host), the backup is simply
// put in place, its key file beside it.
func TestRestoreOntoANewPath(t *testing.T) {
	f := newRestoreFixture(t)
	fresh := filepath.Join(t.TempDir(), "new.db")
	res, err := Restore(fresh, RestoreOptions{Backup: f.backup, Actor: tAdmin})
	if err != nil || res.KeptAs != "" {
		t.Fatalf("Restore onto a new path: %+v, %v", res, err)
	}
	s, err := Open(fresh, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if view, err := s.ShowCode(tAdmin, Serial("K-1")); err != nil || view.Digits != f.code {
		t.Errorf("the code on the new host: %q, %v", view.Digits, err)
	}
}

// A backup whose audit trail was cut (its newest entry removed) is
// refused: the file is whole, but it is not what keydesk wrote.
func TestRestoreRefusesABackupWhoseTrailDoesNotVerify(t *testing.T) {
	f := newRestoreFixture(t)
	before, _ := os.ReadFile(f.db)
	cut := filepath.Join(t.TempDir(), "cut-trail.db")
	copyFile(t, f.backup, cut)
	copyFile(t, secrets.KeyPath(f.backup), secrets.KeyPath(cut))
	db, err := bolt.Open(cut, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		k, _ := tx.Bucket(bucketAudit).Cursor().Last()
		return tx.Bucket(bucketAudit).Delete(k)
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = Restore(f.db, RestoreOptions{Backup: cut, Actor: tAdmin})
	if err == nil || !strings.Contains(err.Error(), "its audit trail does not verify") {
		t.Fatalf("a backup with a cut trail: %v", err)
	}
	unchanged(t, f.db, before)
}
