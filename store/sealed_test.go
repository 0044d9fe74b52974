package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/record"
	"github.com/keydesk/keydesk/store/secrets"
	bolt "go.etcd.io/bbolt"
)

const tPassword = "hunter2-mail-password"

// tSecrets is a database with live codes and a mail password, and the
// codes it holds.
func tSecrets(t *testing.T) (*Store, []string) {
	t.Helper()
	s, _ := tOpen(t)
	var codes []string
	for _, name := range []string{"Jane", "Omar", "Lena"} {
		serial := "SEC-" + strings.ToUpper(name)
		codes = append(codes, tKeyIn(t, s, serial, name, model.Reserved))
	}
	settings := model.SMTPSettings{Host: "mail.example.com", Port: 587, TLS: model.TLSStartTLS,
		From: "desk@example.com", User: "desk", Password: tPassword}
	if err := s.SetSMTPSettings(tAdmin, settings, 0); err != nil {
		t.Fatal(err)
	}
	return s, codes
}

func TestBackupRevealsNoCodeNorThePassword(t *testing.T) {
	s, codes := tSecrets(t)
	var buf bytes.Buffer
	if _, err := s.Backup(tAdmin, &buf, "stdout"); err != nil {
		t.Fatal(err)
	}
	for _, secret := range append(codes, tPassword) {
		if bytes.Contains(buf.Bytes(), []byte(secret)) {
			t.Errorf("the backup holds %q in plain", secret)
		}
	}
	info, err := os.Stat(s.KeyPath())
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file %s: %v (%v), want mode 0600", s.KeyPath(), info.Mode(), err)
	}
	if filepath.Base(s.KeyPath()) != "keydesk.key" {
		t.Errorf("key file %s, want keydesk.key beside keydesk.db", s.KeyPath())
	}
}

func TestBackupIsAudited(t *testing.T) {
	s, _ := tSecrets(t)
	var buf bytes.Buffer
	if _, err := s.Backup(tAdmin, &buf, "stdout"); err != nil {
		t.Fatal(err)
	}
	all := tAudit(t, s)
	last := all[len(all)-1]
	if last.Action != model.ActionBackupMade || last.Actor != tAdminName || last.Note != "to stdout" {
		t.Errorf("last entry %+v, want the backup by %s to stdout", last, tAdminName)
	}
	// The copy holds its own entry.
	path := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	copied := tAudit(t, c)
	if got := copied[len(copied)-1]; got.Action != model.ActionBackupMade || got.Seq != last.Seq {
		t.Errorf("the copy's last entry is %+v, want its own backup entry %d", got, last.Seq)
	}
	file := filepath.Join(t.TempDir(), "b.db")
	if _, err := s.BackupToFile(tAdmin, file); err != nil {
		t.Fatal(err)
	}
	all = tAudit(t, s)
	if last := all[len(all)-1]; last.Note != "to "+file {
		t.Errorf("entry note %q, want the file name", last.Note)
	}
}

// A copy without its key file opens: lists, exports and history work;
// what needs a code or the password says why it cannot.
func TestDatabaseWithoutItsKeyFileOpensAndSaysWhatItCannotRead(t *testing.T) {
	s, _ := tSecrets(t)
	path := s.Path()
	s.Close()
	if err := os.Rename(secrets.KeyPath(path), secrets.KeyPath(path)+".away"); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatalf("Open without the key file: %v", err)
	}
	defer s.Close()
	if snap, err := s.Snapshot(); err != nil || len(snap.Keys) != 3 {
		t.Fatalf("Snapshot = %d keys, %v", len(snap.Keys), err)
	}
	if _, err := s.EmployeesFirstPage(10); err != nil {
		t.Errorf("first page: %v", err)
	}
	if s.SecretsProblem() == nil {
		t.Error("SecretsProblem is nil without the key file")
	}
	wantSecrets := func(what string, err error) {
		t.Helper()
		if !IsSecretsError(err) || !strings.Contains(err.Error(), "its key file is missing") {
			t.Errorf("%s: %v, want a *SecretsError saying the key file is missing", what, err)
		}
	}
	_, err = s.ShowCode(tAdmin, Serial("SEC-JANE"))
	wantSecrets("ShowCode", err)
	settings, _, err := s.SMTPSettings()
	wantSecrets("SMTPSettings", err)
	if settings.Host != "mail.example.com" || settings.Password != "" {
		t.Errorf("settings %+v: want them all but the password", settings)
	}
	before := tDump(t, s)
	_, err = s.DeviceEnterCode(tAdmin, "SEC-OMAR", "123456")
	wantSecrets("DeviceEnterCode", err)
	_, err = s.ReissueCode(tAdmin, Serial("SEC-OMAR"))
	wantSecrets("ReissueCode", err)
	if after := tDump(t, s); !equalDumps(before, after) {
		t.Error("a refused code operation changed the database")
	}
	tImportKeys(t, s, "SEC-NEW")
	tAddEmployee(t, s, "Nina")
	_, err = s.AssignKey(tAdmin, Serial("SEC-NEW"), tEmail("Nina"))
	wantSecrets("AssignKey", err)
	// Taking a key back drops its code: that needs no key file.
	if _, err := s.RemoveKey(tAdmin, Serial("SEC-LENA"), model.Withdrawal, ""); err != nil {
		t.Errorf("RemoveKey without the key file: %v", err)
	}
	if _, err := s.CompromiseKey(tAdmin, Serial("SEC-JANE"), model.Lost, "SEC-JANE", ""); err != nil {
		t.Errorf("CompromiseKey without the key file: %v", err)
	}
	tVerify(t, s)
}

func equalDumps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestKeyFileOfAnotherDatabaseIsToldApart(t *testing.T) {
	s, _ := tSecrets(t)
	path := s.Path()
	s.Close()
	os.Remove(secrets.KeyPath(path))
	if _, err := secrets.Create(secrets.KeyPath(path)); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.ShowCode(tAdmin, Serial("SEC-JANE")); !IsSecretsError(err) || !strings.Contains(err.Error(), "belongs to another database") {
		t.Errorf("ShowCode = %v, want the key file told apart", err)
	}
}

func TestSealedCodeMovedToAnotherKeyDoesNotOpen(t *testing.T) {
	s, _ := tSecrets(t)
	jane, omar := tKey(t, s, "SEC-JANE"), tKey(t, s, "SEC-OMAR")
	if err := s.db.Update(func(tx *bolt.Tx) error {
		codes := tx.Bucket(bucketCodes)
		return codes.Put(record.ID(omar.ID), append([]byte(nil), codes.Get(record.ID(jane.ID))...))
	}); err != nil {
		t.Fatal(err)
	}
	_, err := s.ShowCode(tAdmin, Serial("SEC-OMAR"))
	if err == nil || !strings.Contains(err.Error(), "does not open") {
		t.Errorf("ShowCode of a moved code = %v, want it refused", err)
	}
}

// A schema 4 database keeps its codes and password plain; the first open
// that can make the key file seals them, and they read the same.
func TestPlainSecretsAreSealedByTheMigration(t *testing.T) {
	s, _ := tSecrets(t)
	path := s.Path()
	want := map[string]string{}
	for _, serial := range []string{"SEC-JANE", "SEC-OMAR", "SEC-LENA"} {
		want[serial] = tKey(t, s, serial).Code.Digits
	}
	// Back to schema 4 as it was written: plain codes, plain password,
	// no check value, no key file.
	if err := s.db.Update(func(tx *bolt.Tx) error {
		if err := tForgetSeals(tx); err != nil {
			return err
		}
		codes := tx.Bucket(bucketCodes)
		for serial := range want {
			k, err := s.keyBySerial(tx, serial)
			if err != nil {
				return err
			}
			if err := codes.Put(record.ID(k.ID), encodeCode(*k.Code)); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		settings, rev, err := s.readSMTP(tx)
		if err != nil {
			return err
		}
		raw, _ := json.Marshal(storedSMTP{SMTPSettings: settings, Rev: rev})
		if err := meta.Put(metaSMTP, raw); err != nil {
			return err
		}
		if err := meta.Delete(metaSecretsCheck); err != nil {
			return err
		}
		if err := writePlainKeyIndexes(tx); err != nil {
			return err
		}
		return meta.Put(metaSchema, record.ID(4))
	}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := os.Remove(secrets.KeyPath(path)); err != nil {
		t.Fatal(err)
	}
	plain, _ := os.ReadFile(path)
	if !bytes.Contains(plain, []byte(tPassword)) || !bytes.Contains(plain, []byte(want["SEC-JANE"])) {
		t.Fatal("the schema 4 file does not hold its secrets plain: the test proves nothing")
	}

	// Read-only, schema 4 reads as it is, plain, and makes no key file.
	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only open of schema 4: %v", err)
	}
	if settings, _, err := ro.SMTPSettings(); err != nil || settings.Password != tPassword {
		t.Errorf("read-only schema 4 settings: %v", err)
	}
	ro.Close()
	if _, err := os.Stat(secrets.KeyPath(path)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a read-only open made the key file: %v", err)
	}

	s, err = Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for serial, digits := range want {
		if got := tKey(t, s, serial).Code.Digits; got != digits {
			t.Errorf("%s: code %q after the migration, want %q", serial, got, digits)
		}
	}
	if settings, _, err := s.SMTPSettings(); err != nil || settings.Password != tPassword {
		t.Errorf("password after the migration: %q, %v", settings.Password, err)
	}
	s.db.Sync()
	sealed, _ := os.ReadFile(path)
	for _, secret := range []string{tPassword, want["SEC-JANE"], want["SEC-OMAR"]} {
		if bytes.Contains(sealed, []byte(secret)) {
			t.Errorf("after the migration the file still holds %q in plain", secret)
		}
	}
	if info, err := os.Stat(secrets.KeyPath(path)); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("the migration's key file: %v", err)
	}
}

// encodeCode stores a code plain, as schemas before 5 did.
func encodeCode(c model.ActivationCode) []byte {
	e := record.NewEncoder(record.Format1)
	e.Str(c.Digits)
	e.Time(c.IssuedAt)
	e.Time(c.ExpiresAt)
	e.Uint(uint64(c.Failures))
	return e.Buf
}
