package store

import (
	"fmt"
	"sort"
	"strings"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/index"
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

// Access profiles (schema 6): the PIN policies keys carry. Every key has
// one; the Default profile always exists. How many keys each has is kept
// in profile_counts (see recountKey), so that a profile in use is refused
// deletion, and the Profiles screen counts, without reading every key.
var (
	bucketProfiles      = []byte("profiles")         // id -> profile record
	bucketProfileNames  = []byte("idx_profile_name") // model.ProfileNameKey -> id
	bucketProfileCounts = []byte("profile_counts")   // id -> number of keys
)

// ProfileUse is a profile with the number of keys that have it.
type ProfileUse struct {
	model.Profile
	Keys int
}

// ProfileRef names the profile an admin acts on; Rev as in KeyRef.
type ProfileRef struct {
	Name string
	Rev  uint64
}

// ProfileName refers to a profile by name alone.
func ProfileName(name string) ProfileRef { return ProfileRef{Name: name} }

const (
	flagRequirePIN = 1 << iota
	flagRequireButton
	flagRequireServerConfirm
)

func encodeProfile(p model.Profile) []byte {
	flags := uint64(0)
	for _, f := range []struct {
		on  bool
		bit uint64
	}{{p.RequirePIN, flagRequirePIN}, {p.RequireButton, flagRequireButton}, {p.RequireServerConfirm, flagRequireServerConfirm}} {
		if f.on {
			flags |= f.bit
		}
	}
	e := record.NewEncoder(record.Format1)
	e.Uint(p.ID)
	e.Str(p.Name)
	e.Uint(flags)
	e.Uint(uint64(p.PINExpiryDays))
	e.Uint(uint64(p.PINMinLength))
	e.Uint(uint64(p.PINMaxLength))
	e.Uint(uint64(p.WrongPINLimit))
	e.Time(p.CreatedAt)
	e.Time(p.UpdatedAt)
	e.Uint(p.Rev)
	return e.Buf
}

func decodeProfile(b []byte) (model.Profile, error) {
	d := record.NewDecoder(b, record.Format1)
	p := model.Profile{ID: d.Uint(), Name: d.Str()}
	flags := d.Uint()
	p.RequirePIN = flags&flagRequirePIN != 0
	p.RequireButton = flags&flagRequireButton != 0
	p.RequireServerConfirm = flags&flagRequireServerConfirm != 0
	p.PINExpiryDays, p.PINMinLength, p.PINMaxLength, p.WrongPINLimit = int(d.Uint()), int(d.Uint()), int(d.Uint()), int(d.Uint())
	p.CreatedAt, p.UpdatedAt, p.Rev = d.Time(), d.Time(), d.Uint()
	if d.Err() == nil && p.ID == 0 {
		d.Fail()
	}
	return p, d.Err()
}

// A schema 4 or 5 file opened read-only has no profiles yet (its
// migration makes them): it reads as if it had Default alone, which
// every key has (see decodeKeyV1).
func beforeProfiles(tx *bolt.Tx) bool { return tx.Bucket(bucketProfiles) == nil }

var defaultBeforeProfiles = model.Profile{ID: model.DefaultProfileID, Name: model.DefaultProfileName, ProfileRules: model.DefaultRules}

func profileByID(tx *bolt.Tx, id uint64) (model.Profile, error) {
	if beforeProfiles(tx) && id == model.DefaultProfileID {
		return defaultBeforeProfiles, nil
	}
	var raw []byte
	if !beforeProfiles(tx) {
		raw = tx.Bucket(bucketProfiles).Get(record.ID(id))
	}
	if raw == nil {
		return model.Profile{}, refused("the profile no longer exists")
	}
	p, err := decodeProfile(raw)
	return p, record.Damaged(bucketProfiles, record.ID(id), err)
}

func profileByName(tx *bolt.Tx, name string) (model.Profile, error) {
	norm, err := model.NormalizeProfileName(name)
	if err != nil {
		return model.Profile{}, refused("%s", err)
	}
	key := model.ProfileNameKey(norm)
	switch {
	case beforeProfiles(tx) && key == model.ProfileNameKey(model.DefaultProfileName):
		return defaultBeforeProfiles, nil
	case !beforeProfiles(tx):
		if id := tx.Bucket(bucketProfileNames).Get([]byte(key)); id != nil {
			return profileByID(tx, record.ParseID(id))
		}
	}
	return model.Profile{}, refused("there is no profile named %s", norm)
}

func (s *Store) loadProfile(tx *bolt.Tx, ref ProfileRef) (model.Profile, error) {
	p, err := profileByName(tx, ref.Name)
	if err != nil {
		return p, err
	}
	if ref.Rev != 0 && p.Rev != ref.Rev {
		return p, refused("profile %s changed while you were looking at it: look again before acting", p.Name)
	}
	return p, nil
}

// putProfile writes a profile and its name index; it sets p.Rev.
func putProfile(tx *bolt.Tx, old model.Profile, p *model.Profile) error {
	p.Rev = old.Rev + 1
	touchAll(tx) // every key shows its profile's name
	id := record.ID(p.ID)
	if err := tx.Bucket(bucketProfiles).Put(id, encodeProfile(*p)); err != nil {
		return err
	}
	noteWrite(tx, sealProfile, id)
	oldName := ""
	if old.ID != 0 {
		oldName = model.ProfileNameKey(old.Name)
	}
	return index.Reindex(tx.Bucket(bucketProfileNames), oldName, model.ProfileNameKey(p.Name), id)
}

// checkProfileName refuses a name another profile has (self is the one
// being edited, 0 for a new one).
func checkProfileName(tx *bolt.Tx, name string, self uint64) error {
	if id := tx.Bucket(bucketProfileNames).Get([]byte(model.ProfileNameKey(name))); id != nil && record.ParseID(id) != self {
		other, err := profileByID(tx, record.ParseID(id))
		if err != nil {
			return err
		}
		return refused("there is already a profile named %s", other.Name)
	}
	return nil
}

func profileKeys(tx *bolt.Tx, id uint64) int {
	if beforeProfiles(tx) {
		return tx.Bucket(bucketKeys).Stats().KeyN // all Default's
	}
	return int(record.ParseID(tx.Bucket(bucketProfileCounts).Get(record.ID(id))))
}

func profileTarget(name string) string { return "profile " + name }

// rulesNote sums up a new profile's rules for the audit trail.
func rulesNote(p model.Profile) string {
	required := "nothing"
	if on := p.Requires(); len(on) > 0 {
		required = strings.Join(on, ", ")
	}
	return fmt.Sprintf("requires %s; PIN %d-%d, expiry %d days, locks after %d wrong",
		required, p.PINMinLength, p.PINMaxLength, p.PINExpiryDays, p.WrongPINLimit)
}

// createDefaultProfile makes the Default profile of a new or upgraded
// database: the first profile, so that it has model.DefaultProfileID.
func createDefaultProfile(tx *bolt.Tx) error {
	b := tx.Bucket(bucketProfiles)
	if b.Get(record.ID(model.DefaultProfileID)) != nil {
		return nil
	}
	id, err := b.NextSequence()
	if err != nil {
		return err
	}
	if id != model.DefaultProfileID {
		return record.ErrCorrupt
	}
	p := model.Profile{ID: id, Name: model.DefaultProfileName, ProfileRules: model.DefaultRules}
	return putProfile(tx, model.Profile{}, &p)
}

// AddProfile creates an access profile.
func (s *Store) AddProfile(who model.Actor, name string, rules model.ProfileRules) (model.Profile, error) {
	return execAs[model.Profile](s, who, model.OpProfileAdd, addProfileArgs{Name: name, Rules: rules})
}

// addProfileArgs create an access profile.
type addProfileArgs struct {
	Name  string
	Rules model.ProfileRules
}

func (a addProfileArgs) apply(s *Store, tx *bolt.Tx, env *applyEnv) (any, error) {
	p, err := model.NewProfile(a.Name, a.Rules)
	if err != nil {
		return nil, err
	}
	if err := checkProfileName(tx, p.Name, 0); err != nil {
		return nil, err
	}
	if p.ID, err = tx.Bucket(bucketProfiles).NextSequence(); err != nil {
		return nil, err
	}
	p.CreatedAt, p.UpdatedAt = env.Now, env.Now
	if err := putProfile(tx, model.Profile{}, &p); err != nil {
		return nil, err
	}
	return p, s.appendAudit(tx, model.AuditEntry{Actor: env.By, Action: model.ActionProfileAdded, Target: profileTarget(p.Name), Note: rulesNote(p)})
}

// EditProfile replaces a profile's name and rules. The keys that have it
// keep it; the new rules reach each at its next connection.
func (s *Store) EditProfile(who model.Actor, ref ProfileRef, name string, rules model.ProfileRules) (model.Profile, error) {
	return execAs[model.Profile](s, who, model.OpProfileEdit, editProfileArgs{Ref: ref, Name: name, Rules: rules})
}

// editProfileArgs replace a profile's name and rules.
type editProfileArgs struct {
	Ref   ProfileRef
	Name  string
	Rules model.ProfileRules
}

func (a editProfileArgs) apply(s *Store, tx *bolt.Tx, env *applyEnv) (any, error) {
	old, err := s.loadProfile(tx, a.Ref)
	if err != nil {
		return nil, err
	}
	p, err := model.EditProfile(old, a.Name, a.Rules)
	if err != nil {
		return nil, err
	}
	if err := checkProfileName(tx, p.Name, p.ID); err != nil {
		return nil, err
	}
	p.UpdatedAt = env.Now
	if err := putProfile(tx, old, &p); err != nil {
		return nil, err
	}
	return p, s.appendAudit(tx, model.AuditEntry{Actor: env.By, Action: model.ActionProfileEdited, Target: profileTarget(p.Name), Note: model.ChangedRules(old, p)})
}

// DeleteProfile removes a profile no key has; never Default.
func (s *Store) DeleteProfile(who model.Actor, ref ProfileRef) error {
	_, err := s.exec(who, model.OpProfileDelete, deleteProfileArgs{Ref: ref})
	return err
}

// deleteProfileArgs remove a profile.
type deleteProfileArgs struct{ Ref ProfileRef }

func (a deleteProfileArgs) apply(s *Store, tx *bolt.Tx, env *applyEnv) (any, error) {
	p, err := s.loadProfile(tx, a.Ref)
	if err != nil {
		return nil, err
	}
	if err := model.CanDeleteProfile(p, profileKeys(tx, p.ID)); err != nil {
		return nil, err
	}
	touchAll(tx) // every key shows its profile's name
	for _, del := range []func() error{
		func() error {
			noteWrite(tx, sealProfile, record.ID(p.ID))
			return tx.Bucket(bucketProfiles).Delete(record.ID(p.ID))
		},
		func() error { return tx.Bucket(bucketProfileNames).Delete([]byte(model.ProfileNameKey(p.Name))) },
		func() error { return tx.Bucket(bucketProfileCounts).Delete(record.ID(p.ID)) },
	} {
		if err := del(); err != nil {
			return nil, err
		}
	}
	return nil, s.appendAudit(tx, model.AuditEntry{Actor: env.By, Action: model.ActionProfileDeleted, Target: profileTarget(p.Name), Note: rulesNote(p)})
}

// Profiles lists every profile, Default first, then by name, with how
// many keys each has.
func (s *Store) Profiles(who model.Actor) ([]ProfileUse, error) {
	var out []ProfileUse
	err := s.viewAs(who, model.OpProfileList, func(tx *bolt.Tx) error {
		var err error
		out, err = profileUses(tx)
		return err
	})
	return out, err
}

// Profile returns one profile by name, with its number of keys.
func (s *Store) Profile(who model.Actor, name string) (ProfileUse, error) {
	var out ProfileUse
	err := s.viewAs(who, model.OpProfileShow, func(tx *bolt.Tx) error {
		p, err := profileByName(tx, name)
		out = ProfileUse{Profile: p, Keys: profileKeys(tx, p.ID)}
		return err
	})
	return out, err
}

func profileUses(tx *bolt.Tx) ([]ProfileUse, error) {
	if beforeProfiles(tx) {
		return []ProfileUse{{Profile: defaultBeforeProfiles, Keys: profileKeys(tx, model.DefaultProfileID)}}, nil
	}
	var out []ProfileUse
	err := tx.Bucket(bucketProfiles).ForEach(func(k, v []byte) error {
		p, err := decodeProfile(v)
		out = append(out, ProfileUse{Profile: p, Keys: profileKeys(tx, p.ID)})
		return record.Damaged(bucketProfiles, k, err)
	})
	sortProfiles(out)
	return out, err
}

// sortProfiles puts Default first, then the others by name.
func sortProfiles(ps []ProfileUse) {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].IsDefault() != ps[j].IsDefault() {
			return ps[i].IsDefault()
		}
		return model.ProfileNameKey(ps[i].Name) < model.ProfileNameKey(ps[j].Name)
	})
}
