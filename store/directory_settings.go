package store

import (
	"encoding/json"
	"fmt"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

var (
	metaDirectory    = []byte("settings_directory")
	directoryContext = []byte("directory password")
)

// storedDirectory is the meta value: the settings as JSON, the bind
// password sealed with the key file like the mail password.
type storedDirectory struct {
	model.DirectorySettings
	Rev    uint64
	Sealed []byte `json:",omitempty"`
}

// readDirectory returns the saved settings (the defaults, revision 0,
// when none were saved).
func (s *Store) readDirectory(tx *bolt.Tx) (model.DirectorySettings, uint64, error) {
	raw := tx.Bucket(bucketMeta).Get(metaDirectory)
	if raw == nil {
		return model.DefaultDirectorySettings(), 0, nil
	}
	var stored storedDirectory
	if err := json.Unmarshal(raw, &stored); err != nil {
		return model.DefaultDirectorySettings(), 0, fmt.Errorf("the directory settings are damaged: %w", record.ErrCorrupt)
	}
	if len(stored.Sealed) > 0 {
		if s.box == nil {
			return stored.DirectorySettings, stored.Rev, s.SecretsProblem()
		}
		plain, err := s.box.Open(stored.Sealed, directoryContext)
		if err != nil {
			return stored.DirectorySettings, stored.Rev, fmt.Errorf("the directory password does not open with the key file: %w", record.ErrCorrupt)
		}
		stored.Password = string(plain)
	}
	return stored.DirectorySettings, stored.Rev, nil
}

// DirectorySettings returns the sync's settings and their revision.
// Anyone who may see settings may read them, but never the password:
// withPassword is for the sync itself.
func (s *Store) DirectorySettings(who model.Actor) (model.DirectorySettings, uint64, error) {
	if err := s.Check(who, model.OpSettingsShow); err != nil {
		return model.DirectorySettings{}, 0, err
	}
	set, rev, err := s.directorySettings()
	if set.Password != "" {
		set.Password = "********"
	}
	return set, rev, err
}

func (s *Store) directorySettings() (model.DirectorySettings, uint64, error) {
	return viewRevised(s, s.readDirectory)
}

// SetDirectorySettings saves the settings; rev is the revision they were
// read at, as for the mail settings; keepPassword keeps the saved bind
// password (set.Password is then ignored). The audit entry says what was
// set, never the password.
func (s *Store) SetDirectorySettings(who model.Actor, set model.DirectorySettings, rev uint64, keepPassword bool) error {
	if err := s.Check(who, model.OpDirectorySettings); err != nil {
		return err
	}
	if !keepPassword {
		if err := set.Validate(); err != nil {
			return err
		}
	}
	_, err := s.exec(who, model.OpDirectorySettings, directorySettingsArgs{Settings: set, Rev: rev, KeepPassword: keepPassword})
	return err
}

// directorySettingsArgs save the directory settings read at revision Rev.
type directorySettingsArgs struct {
	Settings     model.DirectorySettings
	Rev          uint64
	KeepPassword bool
}

func (a directorySettingsArgs) apply(s *Store, tx *bolt.Tx, env *applyEnv) (any, error) {
	set := a.Settings
	old, oldRev, err := s.readDirectory(tx)
	if err != nil && !IsSecretsError(err) {
		return nil, err
	}
	if a.Rev != oldRev {
		return nil, refused("the directory settings were changed by someone else meanwhile: look again before saving")
	}
	if a.KeepPassword {
		if err != nil {
			return nil, err // the saved password cannot be read here
		}
		set.Password = old.Password
		if err := set.Validate(); err != nil {
			return nil, err
		}
	}
	stored := storedDirectory{DirectorySettings: set, Rev: oldRev + 1}
	if set.Password != "" {
		if s.box == nil {
			return nil, s.SecretsProblem()
		}
		sealed, err := s.box.SealFrom(env.Random, []byte(set.Password), directoryContext)
		if err != nil {
			return nil, err
		}
		stored.Sealed, stored.Password = sealed, ""
	}
	raw, err := json.Marshal(stored)
	if err != nil {
		return nil, err
	}
	if err := tx.Bucket(bucketMeta).Put(metaDirectory, raw); err != nil {
		return nil, err
	}
	password := "unchanged"
	switch {
	case set.Password == "":
		password = "none"
	case old.Password != set.Password:
		password = "set"
	}
	p := set.Policy
	return nil, s.appendAudit(tx, model.AuditEntry{
		Actor: env.By, Action: model.ActionSettingsChanged, Target: "directory",
		Note: fmt.Sprintf("%s (%s), bind %s, password %s, base %s, filter %s; grace %s, at most %d%% leavers, floor %d",
			orNone(set.URL), set.TLS, orNone(set.BindDN), password, orNone(set.BaseDN), set.Filter, p.Grace, p.MaxLeaverPercent, p.MinEntries),
	})
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
