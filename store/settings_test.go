package store

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/keydesk/keydesk/model"
	bolt "go.etcd.io/bbolt"
)

const tStaleSettings = "the mail settings were changed by someone else while you were editing them: look again before saving"

func tMailServer(host string) model.SMTPSettings {
	return model.SMTPSettings{Host: host, Port: 587, TLS: model.TLSStartTLS, From: "desk@example.com"}
}

// tSettingsAt asserts the saved settings and their revision.
func tSettingsAt(t *testing.T, s *Store, want model.SMTPSettings, wantRev uint64) {
	t.Helper()
	got, rev, err := s.SMTPSettings()
	if err != nil || got != want || rev != wantRev {
		t.Errorf("SMTPSettings = %+v, rev %d, %v; want %+v, rev %d", got, rev, err, want, wantRev)
	}
}

func TestSMTPSettings(t *testing.T) {
	s, _ := tOpen(t)
	tSettingsAt(t, s, model.SMTPSettings{}, 0)
	want := model.SMTPSettings{Host: "mail.example.com", Port: 587, TLS: model.TLSStartTLS, From: "desk@example.com", User: "desk", Password: "hunter2-secret"}
	if err := s.SetSMTPSettings(tAdmin, want, 0); err != nil {
		t.Fatalf("SetSMTPSettings: %v", err)
	}
	tSettingsAt(t, s, want, 1)
	a := tAudit(t, s)[0]
	if a.Action != model.ActionSettingsChanged || strings.Contains(a.Note+a.Target, "hunter2") {
		t.Errorf("entry %+v (must not hold the password)", a)
	}
	err := tUnchanged(t, s, func() error {
		return s.SetSMTPSettings(tAdmin, model.SMTPSettings{Host: "mail.example.com", Port: 0, TLS: model.TLSNone, From: "a@example.com"}, 1)
	})
	tRefusedWith(t, err, "port must be between 1 and 65535")
}

// Two admins read the same settings; the first saves; the second, still
// holding the old revision, must not silently put the old values back.
func TestSetSMTPSettingsRefusesAStaleRevision(t *testing.T) {
	s, _ := tOpen(t)
	if err := s.SetSMTPSettings(tAdmin, tMailServer("old.example.com"), 0); err != nil {
		t.Fatal(err)
	}
	_, seen, _ := s.SMTPSettings() // both admins open the form here
	if err := s.SetSMTPSettings(model.LocalAdmin("bob"), tMailServer("new.example.com"), seen); err != nil {
		t.Fatalf("first save: %v", err)
	}
	entries := len(tAudit(t, s))

	err := tUnchanged(t, s, func() error {
		return s.SetSMTPSettings(model.LocalAdmin("alice"), tMailServer("old.example.com"), seen)
	})
	tRefusedWith(t, err, tStaleSettings)
	tSettingsAt(t, s, tMailServer("new.example.com"), 2)
	if n := len(tAudit(t, s)); n != entries {
		t.Errorf("a refused save wrote %d audit entries", n-entries)
	}

	if err := s.SetSMTPSettings(model.LocalAdmin("alice"), tMailServer("alice.example.com"), 2); err != nil {
		t.Fatalf("save at the current revision: %v", err)
	}
	tSettingsAt(t, s, tMailServer("alice.example.com"), 3)
}

// Revision 0 says "I saw no settings": right on a fresh database, stale
// once someone saved; and a revision no save has reached yet is refused.
func TestSetSMTPSettingsRevisionZeroMeansNoneSeen(t *testing.T) {
	s, _ := tOpen(t)
	err := tUnchanged(t, s, func() error { return s.SetSMTPSettings(tAdmin, tMailServer("a.example.com"), 1) })
	tRefusedWith(t, err, tStaleSettings)
	if err := s.SetSMTPSettings(tAdmin, tMailServer("a.example.com"), 0); err != nil {
		t.Fatalf("first save with rev 0: %v", err)
	}
	err = tUnchanged(t, s, func() error { return s.SetSMTPSettings(tAdmin, tMailServer("b.example.com"), 0) })
	tRefusedWith(t, err, tStaleSettings)
	tSettingsAt(t, s, tMailServer("a.example.com"), 1)
}

// Settings saved before revisions existed are the bare JSON of the
// settings: they read as revision 1 and are saved over at that revision.
func TestSMTPSettingsSavedWithoutRevision(t *testing.T) {
	s, _ := tOpen(t)
	legacy := tMailServer("legacy.example.com")
	raw, err := json.Marshal(legacy)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(metaSMTP, raw) }); err != nil {
		t.Fatal(err)
	}
	tSettingsAt(t, s, legacy, 1)
	err = tUnchanged(t, s, func() error { return s.SetSMTPSettings(tAdmin, tMailServer("new.example.com"), 0) })
	tRefusedWith(t, err, tStaleSettings)
	if err := s.SetSMTPSettings(tAdmin, tMailServer("new.example.com"), 1); err != nil {
		t.Fatalf("save over the legacy value: %v", err)
	}
	tSettingsAt(t, s, tMailServer("new.example.com"), 2)

	// What an older keydesk reads: the settings' own fields, still there.
	var old model.SMTPSettings
	if err := s.db.View(func(tx *bolt.Tx) error { return json.Unmarshal(tx.Bucket(bucketMeta).Get(metaSMTP), &old) }); err != nil {
		t.Fatal(err)
	}
	if old != tMailServer("new.example.com") {
		t.Errorf("the stored value read as bare settings = %+v", old)
	}
}
