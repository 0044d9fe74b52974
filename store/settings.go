package store

import (
	"encoding/json"
	"fmt"

	"github.com/keydesk/keydesk/model"
	bolt "go.etcd.io/bbolt"
)

var metaSMTP = []byte("settings_smtp")

// SMTPSettings returns the mail settings shared by everyone who uses this
// database; the zero value when none were saved.
func (s *Store) SMTPSettings() (model.SMTPSettings, error) {
	var out model.SMTPSettings
	err := s.view(func(tx *bolt.Tx) error {
		raw := tx.Bucket(bucketMeta).Get(metaSMTP)
		if raw == nil {
			return nil
		}
		return json.Unmarshal(raw, &out)
	})
	return out, err
}

// SetSMTPSettings saves the mail settings. The audit entry names what was
// set, never the password.
func (s *Store) SetSMTPSettings(by string, settings model.SMTPSettings) error {
	if err := settings.Validate(); err != nil {
		return refused("%s", err)
	}
	raw, err := json.Marshal(settings)
	if err != nil {
		return err
	}
	return s.update(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		var old model.SMTPSettings
		if prev := meta.Get(metaSMTP); prev != nil {
			if err := json.Unmarshal(prev, &old); err != nil {
				return err
			}
		}
		if err := meta.Put(metaSMTP, raw); err != nil {
			return err
		}
		return s.appendAudit(tx, model.AuditEntry{
			Actor: by, Action: model.ActionSettingsChanged, Target: "mail server",
			Note: settingsNote(old, settings),
		})
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
func (s *Store) RecordCodeEmail(by string, serial, to string, sendErr error) error {
	return s.update(func(tx *bolt.Tx) error {
		k, err := keyBySerial(tx, serial)
		if err != nil {
			return err
		}
		entry := model.AuditEntry{
			Actor: by, Action: model.ActionCodeEmailed, Target: keyTarget(tx, k.Serial, k.EmployeeID),
			From: k.Status, To: k.Status, Note: "sent to " + to, KeyID: k.ID, EmployeeID: k.EmployeeID,
		}
		if sendErr != nil {
			entry.Action = model.ActionCodeEmailFailed
			entry.Note = "to " + to + ": " + sendErr.Error()
		}
		return s.appendAudit(tx, entry)
	})
}
