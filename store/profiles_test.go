package store

import (
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
	bolt "go.etcd.io/bbolt"
)

var tStrictRules = model.ProfileRules{RequirePIN: true, PINExpiryDays: 90, PINMinLength: 6, PINMaxLength: 8, WrongPINLimit: 5}

func tAddProfile(t testing.TB, s *Store, name string) model.Profile {
	t.Helper()
	p, err := s.AddProfile(tAdmin, name, tStrictRules)
	if err != nil {
		t.Fatalf("AddProfile %s: %v", name, err)
	}
	return p
}

func tProfile(t testing.TB, s *Store, name string) ProfileUse {
	t.Helper()
	p, err := s.Profile(tAdmin, name)
	if err != nil {
		t.Fatalf("Profile %s: %v", name, err)
	}
	return p
}

// A new database has Default, the first profile, requiring nothing.
func TestNewDatabaseHasDefault(t *testing.T) {
	s, _ := tOpen(t)
	ps, err := s.Profiles(tAdmin)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 || !ps[0].IsDefault() || ps[0].Name != "Default" || ps[0].ProfileRules != model.DefaultRules || ps[0].Keys != 0 {
		t.Fatalf("profiles of a new database: %+v", ps)
	}
	tImportKeys(t, s, "SN-1", "SN-2")
	if k := tKey(t, s, "SN-1"); k.ProfileID != model.DefaultProfileID || k.ProfilePending() || !k.LicenceUntil.IsZero() {
		t.Errorf("an imported key: profile %d, applied %d, licence %v", k.ProfileID, k.AppliedProfileID, k.LicenceUntil)
	}
	if p := tProfile(t, s, "default"); p.Keys != 2 {
		t.Errorf("Default has %d keys, want 2", p.Keys)
	}
}

func TestAddEditDeleteProfile(t *testing.T) {
	s, clock := tOpen(t)
	p := tAddProfile(t, s, "  Strict ")
	if p.Name != "Strict" || p.ID == model.DefaultProfileID || p.ProfileRules != tStrictRules || !p.CreatedAt.Equal(tStart) || p.Rev != 1 {
		t.Errorf("added %+v", p)
	}
	last := tAudit(t, s)
	if e := last[len(last)-1]; e.Action != model.ActionProfileAdded || e.Target != "profile Strict" || e.Actor != tAdminName ||
		e.Note != "requires PIN; PIN 6-8, expiry 90 days, locks after 5 wrong" {
		t.Errorf("audit entry %+v", e)
	}
	// Names are unique whatever their case.
	err := tUnchanged(t, s, func() error { _, err := s.AddProfile(tAdmin, "STRICT", tStrictRules); return err })
	tRefusedWith(t, err, "there is already a profile named Strict")
	err = tUnchanged(t, s, func() error { _, err := s.AddProfile(tAdmin, "Loose", model.ProfileRules{PINMinLength: 3}); return err })
	tRefusedWith(t, err, "the shortest PIN must be 4 to 16 digits long, not 3")

	clock.Advance(hour)
	r := tStrictRules
	r.RequireButton = true
	edited, err := s.EditProfile(tAdmin, ProfileRef{Name: "strict", Rev: p.Rev}, "Very strict", r)
	if err != nil {
		t.Fatal(err)
	}
	if edited.Name != "Very strict" || !edited.RequireButton || edited.Rev != 2 || !edited.UpdatedAt.Equal(tStart.Add(hour)) {
		t.Errorf("edited %+v", edited)
	}
	if _, err := s.Profile(tAdmin, "Strict"); !model.IsRefusal(err) {
		t.Errorf("the old name still finds it: %v", err)
	}
	last = tAudit(t, s)
	if e := last[len(last)-1]; e.Action != model.ActionProfileEdited || e.Target != "profile Very strict" || e.Note != "changed: name (was Strict), require button on" {
		t.Errorf("audit entry %+v", e)
	}
	// An edit made on an old view is refused.
	err = tUnchanged(t, s, func() error {
		_, err := s.EditProfile(tAdmin, ProfileRef{Name: "Very strict", Rev: p.Rev}, "Other", r)
		return err
	})
	tRefusedWith(t, err, "profile Very strict changed while you were looking at it")
	tAddProfile(t, s, "Other")
	err = tUnchanged(t, s, func() error { _, err := s.EditProfile(tAdmin, ProfileName("other"), "VERY STRICT", r); return err })
	tRefusedWith(t, err, "there is already a profile named Very strict")

	if err := s.DeleteProfile(tAdmin, ProfileName("very strict")); err != nil {
		t.Fatal(err)
	}
	last = tAudit(t, s)
	if e := last[len(last)-1]; e.Action != model.ActionProfileDeleted || e.Target != "profile Very strict" {
		t.Errorf("audit entry %+v", e)
	}
	// Its name is free again.
	tAddProfile(t, s, "Very Strict")
	if ps, _ := s.Profiles(tAdmin); len(ps) != 3 || ps[0].Name != "Default" || ps[1].Name != "Other" || ps[2].Name != "Very Strict" {
		t.Errorf("profiles %+v", ps)
	}
}

func TestDefaultProfileStays(t *testing.T) {
	s, _ := tOpen(t)
	err := tUnchanged(t, s, func() error { return s.DeleteProfile(tAdmin, ProfileName("Default")) })
	tRefusedWith(t, err, "the Default profile cannot be deleted")
	err = tUnchanged(t, s, func() error {
		_, err := s.EditProfile(tAdmin, ProfileName("Default"), "Standard", model.DefaultRules)
		return err
	})
	tRefusedWith(t, err, "the Default profile cannot be renamed")
	// Its rules may change.
	r := model.DefaultRules
	r.WrongPINLimit = 5
	if _, err := s.EditProfile(tAdmin, ProfileName("Default"), "Default", r); err != nil {
		t.Fatal(err)
	}
}

// A profile in use cannot be deleted: the refusal says by how many keys,
// counted without reading the keys, and nothing changes.
func TestProfileInUseCannotBeDeleted(t *testing.T) {
	s, _ := tOpen(t)
	tAddProfile(t, s, "Strict")
	tImportKeys(t, s, "SN-1", "SN-2", "SN-3")
	for _, serial := range []string{"SN-1", "SN-2"} {
		if _, err := s.SetKeyProfile(tAdmin, Serial(serial), "Strict"); err != nil {
			t.Fatal(err)
		}
	}
	err := tUnchanged(t, s, func() error { return s.DeleteProfile(tAdmin, ProfileName("Strict")) })
	tRefusedWith(t, err, "profile Strict is used by 2 keys: give them another profile first")
	if _, err := s.SetKeyProfile(tAdmin, Serial("SN-1"), "Default"); err != nil {
		t.Fatal(err)
	}
	err = tUnchanged(t, s, func() error { return s.DeleteProfile(tAdmin, ProfileName("Strict")) })
	tRefusedWith(t, err, "profile Strict is used by 1 key: give it another profile first")
	if _, err := s.SetKeyProfile(tAdmin, Serial("SN-2"), "Default"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteProfile(tAdmin, ProfileName("Strict")); err != nil {
		t.Fatalf("deleting a profile no key has: %v", err)
	}
	if p := tProfile(t, s, "Default"); p.Keys != 3 {
		t.Errorf("Default has %d keys, want 3", p.Keys)
	}
}

// Only an admin changes profiles; everyone reads them.
func TestProfileRoles(t *testing.T) {
	s, _ := tOpen(t)
	helen := tSSH(t, s, "helen", model.RoleHelpdesk, 1)
	una := tSSH(t, s, "una", model.RoleAuditor, 2)
	for _, who := range []model.Actor{helen, una} {
		err := tOnlyAuditedAs(t, s, model.ActionAccessRefused, func() error {
			_, err := s.AddProfile(who, "Strict", tStrictRules)
			return err
		})
		tRefusedWith(t, err, "adding an access profile needs an admin")
		if ps, err := s.Profiles(who); err != nil || len(ps) != 1 {
			t.Errorf("%s lists %+v, %v", who.Name, ps, err)
		}
	}
	tImportKeys(t, s, "SN-1")
	err := tOnlyAuditedAs(t, s, model.ActionAccessRefused, func() error {
		_, err := s.SetKeyProfile(helen, Serial("SN-1"), "Default")
		return err
	})
	tRefusedWith(t, err, "changing a key's profile needs an admin")
}

// The counts by profile and by licence day follow every write of a key,
// and say what reading every key would.
func TestProfileAndLicenceCountsFollowEveryChange(t *testing.T) {
	s, clock := tOpen(t)
	if err := s.FillDemo(tAdmin, 300, 200); err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		snap, err := s.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		byProfile := map[uint64]int{}
		byLicence := map[model.LicenceStatus]int{}
		for _, k := range snap.Keys {
			byProfile[k.ProfileID]++
			if l := model.LicenceStatusOf(k.LicenceUntil, s.now()); l != model.LicenceNone {
				byLicence[l]++
			}
		}
		for _, p := range snap.Profiles {
			if p.Keys != byProfile[p.ID] {
				t.Errorf("%s: profile %s counts %d keys, %d have it", when, p.Name, p.Keys, byProfile[p.ID])
			}
			delete(byProfile, p.ID)
		}
		if len(byProfile) != 0 {
			t.Errorf("%s: keys have profiles that are not listed: %v", when, byProfile)
		}
		got, err := s.LicenceCounts()
		if err != nil {
			t.Fatal(err)
		}
		if !maps.Equal(got, byLicence) {
			t.Errorf("%s: licence counts %v, the keys say %v", when, got, byLicence)
		}
		if n := s.licenceDaysStored(t); n != len(distinctDays(snap.Keys)) {
			t.Errorf("%s: %d licence days stored, the keys end on %d", when, n, len(distinctDays(snap.Keys)))
		}
	}
	check("after the demo")
	snap, _ := s.Snapshot()
	if len(snap.Profiles) < 3 {
		t.Fatalf("the demo made %d profiles", len(snap.Profiles))
	}
	until, _ := model.ParseLicenceDate("2025-04-01")
	for i, k := range snap.Keys[:60] {
		var err error
		switch i % 3 {
		case 0:
			if model.ProfileChangeAllowed(k.Status) {
				_, err = s.SetKeyProfile(tAdmin, Serial(k.Serial), snap.Profiles[(i/3)%len(snap.Profiles)].Name)
			}
		case 1:
			if k.Status != model.Compromised {
				_, err = s.SetKeyLicence(tAdmin, Serial(k.Serial), until)
			}
		case 2:
			if k.Status != model.Compromised && !k.LicenceUntil.IsZero() {
				_, err = s.SetKeyLicence(tAdmin, Serial(k.Serial), zeroTime)
			}
		}
		if err != nil && !strings.Contains(err.Error(), "already") {
			t.Fatal(err)
		}
	}
	check("after profile and licence changes")
	// Time moves the statuses, not the counts by day.
	clock.Advance(40 * day)
	check("40 days later")
}

// zeroTime is no licence.
var zeroTime time.Time

const (
	hour = time.Hour
	day  = 24 * time.Hour
)

func distinctDays(keys []model.Key) map[int]bool {
	out := map[int]bool{}
	for _, k := range keys {
		if !k.LicenceUntil.IsZero() {
			out[model.LicenceDay(k.LicenceUntil)] = true
		}
	}
	return out
}

func (s *Store) licenceDaysStored(t *testing.T) int {
	t.Helper()
	n := 0
	s.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketLicenceDays).Stats().KeyN
		return nil
	})
	return n
}
