package store

import (
	"maps"
	"reflect"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/migrate"
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

// A schema 5 database is upgraded on Open: every key gets the Default
// profile, on its device already, and no licence; every employee no
// company; the chain and the counts are as they were.

// encodeKeyV1 and encodeEmployeeV1 are how schemas 1 to 5 stored them.
func encodeKeyV1(k model.Key) []byte {
	e := record.NewEncoder(record.Format1)
	e.Uint(k.ID)
	for _, s := range []string{k.Serial, k.MAC, k.Model, k.Firmware, k.RFID} {
		e.Str(s)
	}
	e.Uint(uint64(k.Status))
	e.Uint(uint64(k.Reason))
	e.Str(k.Note)
	e.Uint(k.EmployeeID)
	e.Time(k.ImportedAt)
	e.Time(k.UpdatedAt)
	e.Uint(k.Rev)
	return e.Buf
}

func encodeEmployeeV1(p model.Employee) []byte {
	e := record.NewEncoder(record.Format1)
	e.Uint(p.ID)
	for _, s := range []string{p.FirstName, p.LastName, p.Email, p.Phone, p.Department, p.Position} {
		e.Str(s)
	}
	e.Uint(p.KeyID)
	e.Time(p.CreatedAt)
	e.Time(p.UpdatedAt)
	e.Uint(p.Rev)
	return e.Buf
}

// downgradeToV5 puts keys and employees back in format 1 and drops what
// schema 6 added, in tx; the caller sets the schema version.
func downgradeToV5(tx *bolt.Tx) error {
	if err := writePlainKeyIndexes(tx); err != nil {
		return err
	}
	for _, b := range []struct {
		name    []byte
		convert func(v []byte) ([]byte, error)
	}{
		{bucketKeys, func(v []byte) ([]byte, error) { k, err := decodeKey(v); return encodeKeyV1(k), err }},
		{bucketEmployees, func(v []byte) ([]byte, error) { e, err := decodeEmployee(v); return encodeEmployeeV1(e), err }},
	} {
		if err := migrate.Rewrite(tx.Bucket(b.name), b.convert); err != nil {
			return err
		}
	}
	for _, name := range [][]byte{bucketProfiles, bucketProfileNames, bucketProfileCounts, bucketLicenceDays} {
		if err := tx.DeleteBucket(name); err != nil {
			return err
		}
	}
	return nil
}

// writeSchemaV5 turns a closed database of this schema into schema 5.
func writeSchemaV5(t *testing.T, path string) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *bolt.Tx) error {
		if err := downgradeToV5(tx); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(metaSchema, record.ID(5))
	}); err != nil {
		t.Fatal(err)
	}
}

func TestMigrateSchemaV5(t *testing.T) {
	s, _ := tOpenSchema8(t)
	if err := s.FillDemo(tAdmin, 120, 80); err != nil {
		t.Fatal(err)
	}
	// What schema 5 had: no profiles, no licences, no companies.
	before, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	for i := range before.Keys {
		k := &before.Keys[i]
		k.ProfileID, k.AppliedProfileID, k.LicenceUntil = model.DefaultProfileID, model.DefaultProfileID, time.Time{}
		k.LastHolderID = 0 // the directory issue's field, in no old format
	}
	for i := range before.Employees {
		before.Employees[i].Company = ""
	}
	counts, _ := s.StatusCounts()
	trail, state := tAudit(t, s), tVerify(t, s)
	path := s.Path()
	s.Close()
	writeSchemaV5(t, path)

	// The file is schema 5's now: format 1 records, no profiles.
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.View(func(tx *bolt.Tx) error {
		_, v := tx.Bucket(bucketKeys).Cursor().First()
		_, e := tx.Bucket(bucketEmployees).Cursor().First()
		if v[0] != record.Format1 || e[0] != record.Format1 || tx.Bucket(bucketProfiles) != nil || record.ParseID(tx.Bucket(bucketMeta).Get(metaSchema)) != 5 {
			t.Error("the test database is not in schema 5's form")
		}
		return nil
	})
	db.Close()

	// Read-only, the file reads as it is: every key with Default, no
	// licences, no companies; nothing is migrated.
	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("a read-only open of schema 5: %v", err)
	}
	if snap, err := ro.Snapshot(); err != nil || !reflect.DeepEqual(snap.Keys, before.Keys) || !reflect.DeepEqual(snap.Employees, before.Employees) ||
		len(snap.Profiles) != 1 || snap.Profiles[0].Name != "Default" || snap.Profiles[0].Keys != 120 {
		t.Errorf("read-only schema 5: %d keys, profiles %+v, %v", len(snap.Keys), snap.Profiles, err)
	}
	if p, err := ro.Profile(tAdmin, "default"); err != nil || p.Keys != 120 || p.ProfileRules != model.DefaultRules {
		t.Errorf("read-only schema 5, profile Default: %+v, %v", p, err)
	}
	if _, err := ro.Profile(tAdmin, "Strict"); !model.IsRefusal(err) {
		t.Errorf("read-only schema 5, another profile: %v", err)
	}
	if lc, err := ro.LicenceCounts(); err != nil || len(lc) != 0 {
		t.Errorf("read-only schema 5 licences: %v, %v", lc, err)
	}
	ro.Close()

	s, err = Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatalf("opening a schema 5 database: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	after, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(after.Keys, before.Keys) {
		t.Error("the keys changed in the upgrade beyond their Default profile")
	}
	if !reflect.DeepEqual(after.Employees, before.Employees) {
		t.Error("the employees changed in the upgrade")
	}
	profiles, err := s.Profiles(tAdmin)
	if err != nil {
		t.Fatal(err)
	}
	if len(profiles) != 1 || profiles[0].Name != "Default" || profiles[0].ID != model.DefaultProfileID ||
		profiles[0].Keys != 120 || profiles[0].ProfileRules != model.DefaultRules {
		t.Errorf("profiles after the upgrade: %+v", profiles)
	}
	if got, _ := s.StatusCounts(); !maps.Equal(got, counts) {
		t.Errorf("status counts %v after the upgrade, had %v", got, counts)
	}
	if lc, _ := s.LicenceCounts(); len(lc) != 0 {
		t.Errorf("licence counts %v, want none", lc)
	}
	if got := tWithoutUpgrade(t, tAudit(t, s)); !reflect.DeepEqual(got, trail) {
		t.Error("the trail changed in the upgrade")
	}
	tVerifiedAfterUpgrade(t, tVerify(t, s), state)

	// The upgraded keys work as any other: a profile, a licence, a change.
	if _, err := s.AddProfile(tAdmin, "Strict", model.ProfileRules{PINMinLength: 6, PINMaxLength: 8, WrongPINLimit: 5}); err != nil {
		t.Fatal(err)
	}
	k := before.Keys[0]
	if k.Status == model.Compromised || !model.ProfileChangeAllowed(k.Status) {
		for _, c := range before.Keys {
			if model.ProfileChangeAllowed(c.Status) {
				k = c
				break
			}
		}
	}
	if _, err := s.SetKeyProfile(tAdmin, Serial(k.Serial), "Strict"); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.Profile(tAdmin, "Default"); p.Keys != 119 {
		t.Errorf("Default has %d keys after one moved, want 119", p.Keys)
	}
}
