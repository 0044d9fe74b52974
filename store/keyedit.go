package store

import (
	"fmt"
	"time"

	"github.com/keydesk/keydesk/model"
	bolt "go.etcd.io/bbolt"
)

// The edits of a key that leave its status as it is: its profile, its
// licence, its RFID. The model says what is allowed; each is written with
// its indexes, counts and audit entry in one transaction.

// keyEdit names an edit of a key that leaves its status as it is.
type keyEdit uint8

const (
	editProfile keyEdit = iota + 1
	editProfileApplied
	editLicence
	editRFID
)

// keyEditArgs are one edit of a key; only the field of the edit is read.
type keyEditArgs struct {
	Ref     KeyRef
	Edit    keyEdit
	Profile string
	Licence time.Time
	RFID    string
}

// editKey applies an edit as one command.
func (s *Store) editKey(who model.Actor, op model.Operation, args keyEditArgs) (model.Key, error) {
	return execAs[model.Key](s, who, op, args)
}

// apply loads the key, makes the new one, writes it and its audit entry
// (from the key's status to the same).
func (a keyEditArgs) apply(s *Store, tx *bolt.Tx, env *applyEnv) (any, error) {
	by := env.By
	if a.Edit == editProfileApplied {
		by = model.ActorDevice // what the device reports is the device's doing
	}
	old, err := s.loadKey(tx, a.Ref)
	if err != nil {
		return nil, err
	}
	var (
		k      model.Key
		note   string
		action model.Action
	)
	switch a.Edit {
	case editProfile:
		k, note, err = s.changeProfile(tx, old, a.Profile, env.Now)
		action = model.ActionKeyProfile
	case editProfileApplied:
		k, note, err = s.profileApplied(tx, old, env.Now)
		action = model.ActionKeyProfileApplied
	case editLicence:
		k, err = model.SetKeyLicence(old, a.Licence, env.Now)
		note, action = model.LicenceNote(old.LicenceUntil, a.Licence), model.ActionKeyLicence
	case editRFID:
		k, note, err = s.changeRFID(tx, old, a.RFID, env.Now)
		action = model.ActionKeyRFID
	default:
		return nil, fmt.Errorf("unknown key edit %d", a.Edit)
	}
	if err != nil {
		return nil, err
	}
	if err := s.writeKeyEdit(tx, by, old, &k, action, note, env.Now); err != nil {
		return nil, err
	}
	k.Code = nil
	return k, nil
}

// writeKeyEdit writes an edited key and its audit entry.
func (s *Store) writeKeyEdit(tx *bolt.Tx, by string, old model.Key, k *model.Key, action model.Action, note string, now time.Time) error {
	if err := s.putKey(tx, old, k); err != nil {
		return err
	}
	return s.appendAudit(tx, model.AuditEntry{
		Time: now, Actor: by, Action: action, Target: keyTarget(tx, k.Serial, k.EmployeeID),
		From: k.Status, To: k.Status, Note: note, KeyID: k.ID, EmployeeID: k.EmployeeID,
	})
}

// SetKeyProfile gives a key another access profile (Ready, Reserved,
// Active or Suspended). The change is pending until the device reports
// it applied (ProfileApplied).
func (s *Store) SetKeyProfile(who model.Actor, ref KeyRef, profile string) (model.Key, error) {
	return s.editKey(who, model.OpKeyProfile, keyEditArgs{Ref: ref, Edit: editProfile, Profile: profile})
}

func (s *Store) changeProfile(tx *bolt.Tx, k model.Key, profile string, now time.Time) (model.Key, string, error) {
	p, err := profileByName(tx, profile)
	if err != nil {
		return k, "", err
	}
	was, err := profileByID(tx, k.ProfileID)
	if err != nil {
		return k, "", err
	}
	next, err := model.ChangeKeyProfile(k, p, now)
	return next, profileNote(next, p, was), err
}

// profileNote says what a profile change did, for the audit trail.
func profileNote(k model.Key, p, was model.Profile) string {
	note := fmt.Sprintf("profile %s (was %s)", p.Name, was.Name)
	if k.ProfilePending() {
		note += ": pending until the key applies it"
	}
	return note
}

// ProfileApplied is the device reporting that it enforces its key's
// profile now, as passed on by who.
func (s *Store) ProfileApplied(who model.Actor, serial string) (model.Key, error) {
	return s.editKey(who, model.OpDeviceProfileApplied, keyEditArgs{Ref: Serial(serial), Edit: editProfileApplied})
}

func (s *Store) profileApplied(tx *bolt.Tx, k model.Key, now time.Time) (model.Key, string, error) {
	next, err := model.ApplyKeyProfile(k, now)
	if err != nil {
		return k, "", err
	}
	p, err := profileByID(tx, next.ProfileID)
	if err != nil {
		return k, "", err
	}
	return next, "profile " + p.Name + " applied on the key", nil
}

// SetKeyLicence sets the day a key's licence ends (zero: no licence).
func (s *Store) SetKeyLicence(who model.Actor, ref KeyRef, until time.Time) (model.Key, error) {
	return s.editKey(who, model.OpKeyLicence, keyEditArgs{Ref: ref, Edit: editLicence, Licence: until})
}

// SetKeyRFID changes a key's RFID ("" clears it); no two keys have the
// same.
func (s *Store) SetKeyRFID(who model.Actor, ref KeyRef, rfid string) (model.Key, error) {
	return s.editKey(who, model.OpKeyRFID, keyEditArgs{Ref: ref, Edit: editRFID, RFID: rfid})
}

func (s *Store) changeRFID(tx *bolt.Tx, k model.Key, rfid string, now time.Time) (model.Key, string, error) {
	next, err := model.SetKeyRFID(k, rfid, now)
	if err != nil {
		return k, "", err
	}
	id, err := s.keyIndex(tx, bucketRFIDs).Get(next.RFID)
	if err != nil {
		return k, "", err
	}
	if id != 0 && next.RFID != "" {
		other, err := s.keyByID(tx, id)
		if err != nil {
			return k, "", err
		}
		return k, "", refused("RFID %s is already key %s's: an RFID belongs to one key", next.RFID, other.Serial)
	}
	return next, model.RFIDNote(k.RFID, next.RFID), nil
}
