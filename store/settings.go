package store

import (
	"encoding/json"
	"fmt"

	"github.com/keydesk/keydesk/model"
	bolt "go.etcd.io/bbolt"
)

var metaSMTP = []byte("settings_smtp")

// storedSMTP is the meta value: the settings' own fields, as JSON, and the
// revision that grows with every save. A value saved before revisions
// existed has no Rev and reads as revision 1; an older keydesk reading a
// new value ignores the Rev field.
type storedSMTP struct {
	model.SMTPSettings
	Rev uint64 `json:",omitempty"`
	// Sealed is the password since schema 5, sealed with the key file;
	// Password is then empty.
	Sealed []byte `json:",omitempty"`
}

// readSMTP returns the saved settings and their revision; revision 0 when
// none were saved. Without the key file a saved password cannot be read:
// the settings come with an empty password and a *SecretsError.
func (s *Store) readSMTP(tx *bolt.Tx) (model.SMTPSettings, uint64, error) {
	raw := tx.Bucket(bucketMeta).Get(metaSMTP)
	if raw == nil {
		return model.SMTPSettings{}, 0, nil
	}
	var stored storedSMTP
	if err := json.Unmarshal(raw, &stored); err != nil {
		return model.SMTPSettings{}, 0, err
	}
	err := s.openPassword(&stored)
	return stored.SMTPSettings, max(stored.Rev, 1), err
}

// SMTPSettings returns the mail settings shared by everyone who uses this
// database, and their revision to hand back to SetSMTPSettings; the zero
// value and revision 0 when none were saved.
func (s *Store) SMTPSettings() (model.SMTPSettings, uint64, error) {
	return viewRevised(s, s.readSMTP)
}

// SetSMTPSettings saves the mail settings. rev is the revision they were
// read at (0: none were saved): settings edited from an old read would
// silently undo another admin's save, so they are refused. The audit entry
// names what was set, never the password.
func (s *Store) SetSMTPSettings(who model.Actor, settings model.SMTPSettings, rev uint64) error {
	if err := s.Check(who, model.OpSettingsChange); err != nil {
		return err
	}
	if err := settings.Validate(); err != nil {
		return refused("%s", err)
	}
	_, err := s.exec(who, model.OpSettingsChange, smtpArgs{Settings: settings, Rev: rev})
	return err
}

// smtpArgs save the mail settings read at revision Rev.
type smtpArgs struct {
	Settings model.SMTPSettings
	Rev      uint64
}

func (a smtpArgs) apply(s *Store, tx *bolt.Tx, env *applyEnv) (any, error) {
	old, oldRev, err := s.readSMTP(tx)
	if err != nil {
		return nil, err
	}
	if a.Rev != oldRev {
		return nil, refused("the mail settings were changed by someone else while you were editing them: look again before saving")
	}
	stored := storedSMTP{SMTPSettings: a.Settings, Rev: oldRev + 1}
	if err := s.sealPassword(env.Random, &stored); err != nil {
		return nil, err
	}
	raw, err := json.Marshal(stored)
	if err != nil {
		return nil, err
	}
	if err := tx.Bucket(bucketMeta).Put(metaSMTP, raw); err != nil {
		return nil, err
	}
	noteWrite(tx, sealSetting, metaSMTP)
	return nil, s.appendAudit(tx, model.AuditEntry{
		Actor: env.By, Action: model.ActionSettingsChanged, Target: "mail server",
		Note: settingsNote(old, a.Settings),
	})
}

// settingsNote describes new mail settings for the audit trail, saying
// what happened to the password without ever writing it.
func settingsNote(old, new model.SMTPSettings) string {
	password := "unchanged"
	switch {
	case old.Password == "" && new.Password != "":
		password = "set"
	case old.Password != "" && new.Password == "":
		password = "cleared"
	case old.Password != new.Password:
		password = "changed"
	case new.Password == "":
		password = "none"
	}
	user := new.User
	if user == "" {
		user = "(none)"
	}
	return fmt.Sprintf("%s:%d (%s), from %s, user %s, password %s", new.Host, new.Port, new.TLS, new.From, user, password)
}

// RecordCodeEmail writes the audit entry of an attempt to e-mail a key's
// code: to whom, or why it failed; never the code.
func (s *Store) RecordCodeEmail(who model.Actor, serial, to string, sendErr error) error {
	args := codeEmailArgs{Serial: serial, To: to}
	if sendErr != nil {
		args.Failure = sendErr.Error()
	}
	_, err := s.exec(who, model.OpKeyCodeEmail, args)
	return err
}

// codeEmailArgs record an attempt to e-mail a key's code; Failure is why
// it failed ("" when it was sent).
type codeEmailArgs struct {
	Serial  string
	To      string
	Failure string
}

func (a codeEmailArgs) apply(s *Store, tx *bolt.Tx, env *applyEnv) (any, error) {
	k, err := s.keyBySerial(tx, a.Serial)
	if err != nil {
		return nil, err
	}
	entry := model.AuditEntry{
		Actor: env.By, Action: model.ActionCodeEmailed, Target: keyTarget(tx, k.Serial, k.EmployeeID),
		From: k.Status, To: k.Status, Note: "sent to " + a.To, KeyID: k.ID, EmployeeID: k.EmployeeID,
	}
	if a.Failure != "" {
		entry.Action = model.ActionCodeEmailFailed
		entry.Note = "to " + a.To + ": " + a.Failure
	}
	return nil, s.appendAudit(tx, entry)
}
