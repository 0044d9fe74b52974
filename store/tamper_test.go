package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/record"
	"github.com/keydesk/keydesk/store/secrets"
	bolt "go.etcd.io/bbolt"
)

// Issue 17 §2: records changed with bbolt alone on a closed file, by
// someone without keydesk (with or without the key file). Each is found by
// audit verify, with the anchor taken before and without it, and named.

type tamperBase struct {
	path    string
	anchor  model.AuditAnchor
	ids     map[string]uint64 // serial -> key id
	codes   map[string]string // serial -> digits
	oldCode []byte            // TK-RES's code before its wrong entry
	helen   model.Actor       // a helpdesk admin over SSH
}

func tTamperBase(t *testing.T) tamperBase {
	t.Helper()
	s, _ := tOpen(t)
	b := tamperBase{path: s.Path(), ids: map[string]uint64{}, codes: map[string]string{}}
	b.codes["TK-RES"] = tKeyIn(t, s, "TK-RES", "Rita", model.Reserved)
	b.codes["TK-SUS"] = tKeyIn(t, s, "TK-SUS", "Sam", model.Suspended)
	b.codes["TK-OTHER"] = tKeyIn(t, s, "TK-OTHER", "Olga", model.Reserved)
	tImportKeys(t, s, "TK-READY")
	if _, err := s.SetKeyRFID(tAdmin, Serial("TK-READY"), "RF-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetKeyLicence(tAdmin, Serial("TK-READY"), tStart.AddDate(0, 6, 0)); err != nil {
		t.Fatal(err)
	}
	b.helen = tSSH(t, s, "helen", model.RoleHelpdesk, 1)
	if _, err := s.AddProfile(tAdmin, "Strict", model.ProfileRules{PINMinLength: 6, PINMaxLength: 8, WrongPINLimit: 5}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSMTPSettings(tAdmin, model.SMTPSettings{Host: "mail.example.com", Port: 587, TLS: model.TLSStartTLS,
		From: "desk@example.com", User: "desk", Password: tPassword}, 0); err != nil {
		t.Fatal(err)
	}
	s.db.View(func(tx *bolt.Tx) error {
		b.oldCode = append([]byte(nil), tx.Bucket(bucketCodes).Get(record.ID(tKey(t, s, "TK-RES").ID))...)
		return nil
	})
	if _, err := s.DeviceEnterCode(tAdmin, "TK-RES", otherCode(b.codes["TK-RES"])); err == nil {
		t.Fatal("a wrong code was taken")
	}
	for _, serial := range []string{"TK-RES", "TK-SUS", "TK-OTHER", "TK-READY"} {
		b.ids[serial] = tKey(t, s, serial).ID
	}
	if _, err := s.VerifyAudit(); err != nil {
		t.Fatalf("the untouched file: %v", err)
	}
	b.anchor = tHead(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return b
}

// tTampered copies the file and its key file, edits the copy with bbolt
// alone and opens it. withKey false leaves the key file behind.
func tTampered(t *testing.T, b tamperBase, withKey bool, edit func(tx *bolt.Tx) error) *Store {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "tampered.db")
	copyFile(t, b.path, dst)
	if withKey {
		copyFile(t, secrets.KeyPath(b.path), secrets.KeyPath(dst))
	}
	db, err := bolt.Open(dst, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(edit); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err := Open(dst, Options{NoSync: true, Now: func() time.Time { return tStart.Add(time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func codeRecord(sealed string, c model.ActivationCode) []byte {
	e := record.NewEncoder(record.BoundCodeFormat)
	e.Str(sealed)
	e.Buf = append(e.Buf, codeFields(c)...)
	return e.Buf
}

func editCode(tx *bolt.Tx, id uint64, change func(*model.ActivationCode)) error {
	raw := tx.Bucket(bucketCodes).Get(record.ID(id))
	d := record.NewDecoder(raw, record.BoundCodeFormat)
	sealed := d.Str()
	c := model.ActivationCode{IssuedAt: d.Time(), ExpiresAt: d.Time(), Failures: int(d.Uint())}
	if d.Err() != nil {
		return d.Err()
	}
	change(&c)
	return tx.Bucket(bucketCodes).Put(record.ID(id), codeRecord(sealed, c))
}

func editKey(tx *bolt.Tx, id uint64, change func(*model.Key)) error {
	raw := tx.Bucket(bucketKeys).Get(record.ID(id))
	k, err := decodeKey(raw)
	if err != nil {
		return err
	}
	change(&k)
	return tx.Bucket(bucketKeys).Put(record.ID(id), record.EncodeKey(k, historyHead(raw)))
}

func editEmployee(tx *bolt.Tx, email string, change func(*model.Employee)) error {
	id := tx.Bucket(bucketEmails).Get([]byte(email))
	raw := tx.Bucket(bucketEmployees).Get(record.ID(record.IndexID(id)))
	e, err := decodeEmployee(raw)
	if err != nil {
		return err
	}
	old := e.Email
	change(&e)
	if e.Email != old {
		tx.Bucket(bucketEmails).Delete([]byte(old))
		tx.Bucket(bucketEmails).Put([]byte(e.Email), id)
	}
	return tx.Bucket(bucketEmployees).Put(record.ID(e.ID), record.EncodeEmployee(e, historyHead(raw)))
}

func editAdmin(tx *bolt.Tx, name string, change func(*model.Admin)) error {
	a, err := decodeAdmin(tx.Bucket(bucketAdmins).Get([]byte(name)))
	if err != nil {
		return err
	}
	change(&a)
	return tx.Bucket(bucketAdmins).Put([]byte(name), encodeAdmin(a))
}

func TestTamperingsWithBboltAreNamedByVerify(t *testing.T) {
	b := tTamperBase(t)
	plain := func(serial string) func(tx *bolt.Tx) error {
		return func(tx *bolt.Tx) error {
			return tx.Bucket(bucketCodes).Put(record.ID(b.ids[serial]), encodeCode(model.ActivationCode{
				Digits: "123456", IssuedAt: tStart, ExpiresAt: tStart.AddDate(1, 0, 0)}))
		}
	}
	cases := []struct {
		name string
		edit func(tx *bolt.Tx) error
		want string // in verify's report
		// try is what the forgery is for, which must fail now (nil: none)
		try func(s *Store) error
	}{
		{"plain code planted on a Reserved key", plain("TK-RES"), "activation code of key id 1 is not what audit entry",
			func(s *Store) error { _, err := s.DeviceEnterCode(tAdmin, "TK-RES", "123456"); return err }},
		{"plain code planted on a Suspended key", plain("TK-SUS"), "activation code of key id 2 is not what audit entry",
			func(s *Store) error { _, err := s.DeviceEnterCode(tAdmin, "TK-SUS", "123456"); return err }},
		{"plain code planted on a Ready key", plain("TK-READY"), "activation code of key id 4 is in the file, but no audit entry wrote it", nil},
		{"code's expiry extended by a year", func(tx *bolt.Tx) error {
			return editCode(tx, b.ids["TK-OTHER"], func(c *model.ActivationCode) { c.ExpiresAt = c.ExpiresAt.AddDate(1, 0, 0) })
		}, "activation code of key id 3 is not what audit entry",
			func(s *Store) error { _, err := s.ShowCode(tAdmin, Serial("TK-OTHER")); return err }},
		{"code's wrong entries reset", func(tx *bolt.Tx) error {
			return editCode(tx, b.ids["TK-RES"], func(c *model.ActivationCode) { c.Failures = 0 })
		}, "activation code of key id 1 is not what audit entry",
			func(s *Store) error { _, err := s.ShowCode(tAdmin, Serial("TK-RES")); return err }},
		{"code put back as it was before a wrong entry", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketCodes).Put(record.ID(b.ids["TK-RES"]), b.oldCode)
		}, "activation code of key id 1 is not what audit entry", nil},
		{"another key's sealed code copied", func(tx *bolt.Tx) error {
			codes := tx.Bucket(bucketCodes)
			return codes.Put(record.ID(b.ids["TK-SUS"]), append([]byte(nil), codes.Get(record.ID(b.ids["TK-OTHER"]))...))
		}, "activation code of key id 2 is not what audit entry",
			func(s *Store) error { _, err := s.DeviceEnterCode(tAdmin, "TK-SUS", b.codes["TK-OTHER"]); return err }},
		{"code removed", func(tx *bolt.Tx) error { return tx.Bucket(bucketCodes).Delete(record.ID(b.ids["TK-OTHER"])) },
			"activation code of key id 3 was written by audit entry", nil},
		{"admin inserted", func(tx *bolt.Tx) error {
			a := model.Admin{Name: "mallory", Role: model.RoleAdmin, Key: tKeyLine(t, 9), AddedAt: tStart}
			a.Fingerprint = "SHA256:mallory"
			if err := tx.Bucket(bucketAdminKey).Put([]byte(a.Fingerprint), []byte(a.Name)); err != nil {
				return err
			}
			return tx.Bucket(bucketAdmins).Put([]byte(a.Name), encodeAdmin(a))
		}, `admin "mallory" is in the file, but no audit entry wrote it`, func(s *Store) error {
			_, err := s.CompromiseKey(model.Actor{Name: "mallory", Fingerprint: "SHA256:mallory"}, Serial("TK-OTHER"), model.Lost, "TK-OTHER", "")
			return err
		}},
		{"helpdesk promoted to admin", func(tx *bolt.Tx) error {
			return editAdmin(tx, "helen", func(a *model.Admin) { a.Role = model.RoleAdmin })
		}, `admin "helen" is not what audit entry`, func(s *Store) error {
			_, err := s.CompromiseKey(b.helen, Serial("TK-OTHER"), model.Lost, "TK-OTHER", "")
			return err
		}},
		{"admin removed", func(tx *bolt.Tx) error { return tx.Bucket(bucketAdmins).Delete([]byte("helen")) },
			`admin "helen" was written by audit entry`, nil},
		{"a login key led to another admin", func(tx *bolt.Tx) error {
			h, _ := decodeAdmin(tx.Bucket(bucketAdmins).Get([]byte("helen")))
			return tx.Bucket(bucketAdminKey).Put([]byte(h.Fingerprint), []byte(tAdminName))
		}, "the index was changed outside keydesk", func(s *Store) error {
			_, found, err := s.AdminByFingerprint(b.helen.Fingerprint)
			if err == nil && !found {
				err = errors.New("not found")
			}
			return err
		}},
		{"employee's e-mail changed", func(tx *bolt.Tx) error {
			return editEmployee(tx, tEmail("Rita"), func(e *model.Employee) { e.Email = "attacker@evil.example" })
		}, "employee id", nil},
		{"employee's phone changed", func(tx *bolt.Tx) error {
			return editEmployee(tx, tEmail("Sam"), func(e *model.Employee) { e.Phone = "+1 555 0199" })
		}, "employee id", nil},
		{"key's RFID changed", func(tx *bolt.Tx) error {
			return editKey(tx, b.ids["TK-READY"], func(k *model.Key) { k.RFID = "RF-EVIL" })
		}, "key id 4 is not what audit entry", nil},
		{"key's licence date moved", func(tx *bolt.Tx) error {
			return editKey(tx, b.ids["TK-READY"], func(k *model.Key) { k.LicenceUntil = k.LicenceUntil.AddDate(5, 0, 0) })
		}, "key id 4 is not what audit entry", nil},
		{"key's model changed", func(tx *bolt.Tx) error {
			return editKey(tx, b.ids["TK-READY"], func(k *model.Key) { k.Model = "forged" })
		}, "key id 4 is not what audit entry", nil},
		{"profile's rules changed", func(tx *bolt.Tx) error {
			var id []byte
			tx.Bucket(bucketProfiles).ForEach(func(k, v []byte) error {
				if p, _ := decodeProfile(v); p.Name == "Strict" {
					id = append([]byte(nil), k...)
				}
				return nil
			})
			p, err := decodeProfile(tx.Bucket(bucketProfiles).Get(id))
			if err != nil {
				return err
			}
			p.PINMinLength = 1
			return tx.Bucket(bucketProfiles).Put(id, encodeProfile(p))
		}, "profile id", nil},
		{"mail server changed", func(tx *bolt.Tx) error {
			var st storedSMTP
			if err := json.Unmarshal(tx.Bucket(bucketMeta).Get(metaSMTP), &st); err != nil {
				return err
			}
			st.Host = "mail.evil.example"
			raw, _ := json.Marshal(st)
			return tx.Bucket(bucketMeta).Put(metaSMTP, raw)
		}, `setting "settings_smtp" is not what audit entry`, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, v := range []struct{ anchored, withKey bool }{{true, true}, {false, true}, {true, false}, {false, false}} {
				anchored := v.anchored
				s := tTampered(t, b, v.withKey, c.edit)
				var anchors []model.AuditAnchor
				if anchored {
					anchors = append(anchors, b.anchor)
				}
				_, err := s.VerifyAudit(anchors...)
				var bad *RecordsError
				if !errors.As(err, &bad) || !strings.Contains(err.Error(), c.want) {
					t.Errorf("VerifyAudit (anchored %v, key file %v) = %v, want a *RecordsError saying %q", anchored, v.withKey, err, c.want)
				}
				if c.try != nil && anchored && v.withKey {
					if err := c.try(s); err == nil {
						t.Error("the forgery worked")
					}
				}
			}
		})
	}
}

// An entry forged by someone who knows the format but has not the key
// file: its signature is missing. Without the key file at verify, only an
// anchor taken before finds it.
func TestForgedEntryNeedsTheKeyFile(t *testing.T) {
	b := tTamperBase(t)
	// Promote helen, and write the admin.role_changed entry that would
	// have done it, chained and hashed as keydesk would, unsigned.
	forge := func(tx *bolt.Tx) error {
		if err := editAdmin(tx, "helen", func(a *model.Admin) { a.Role = model.RoleAdmin }); err != nil {
			return err
		}
		s := &Store{} // no key file: no signature
		t := openTrail(tx)
		seq, _ := t.entries.NextSequence()
		meta := tx.Bucket(bucketMeta)
		list := writesOf(tx, []recordRef{{kind: sealAdmin, id: "helen"}})
		e := model.AuditEntry{Seq: seq, Time: tStart.Add(time.Minute), Actor: "alice (admin, local)", Action: model.ActionAdminRole,
			Target: "admin helen", Note: "helpdesk -> admin", Writes: writesHash(list)}
		e.Seal(record.StoredHash(t.entries.Get(record.ID(seq - 1))))
		return t.put([]storedEntry{{AuditEntry: e, seal: s.entrySeal(seq, seq, nil, list)}}, meta) // unsigned: no key file
	}
	s := tTampered(t, b, true, forge)
	_, err := s.VerifyAudit()
	var bad *RecordsError
	if !errors.As(err, &bad) || !strings.Contains(err.Error(), "are not signed") {
		t.Errorf("with the key file, without anchors: %v, want the unsigned entry named", err)
	}
	// Verified without the key file, the signatures cannot be checked: an
	// entry appended after the newest anchor passes (the README says so).
	s = tTampered(t, b, false, forge)
	if _, err := s.VerifyAudit(); err != nil {
		t.Errorf("without the key file and without anchors the forged entry passes (documented): %v", err)
	}
	if _, err := s.VerifyAudit(b.anchor); err != nil {
		t.Errorf("an entry appended after the anchor keeps it: %v", err)
	}
}

// The seals themselves removed: named, not taken for a file of an older
// schema.
func TestRemovedSealsAreNamed(t *testing.T) {
	b := tTamperBase(t)
	for _, c := range []struct {
		name string
		edit func(tx *bolt.Tx) error
		want string
	}{
		{"the newest entry's seal", func(tx *bolt.Tx) error { return tStripSeal(tx, 0) }, "was changed after it was written"},
		{"an entry's seal, back in the trail", func(tx *bolt.Tx) error { return tStripSeal(tx, 5) }, "was changed after it was written"},
		{"the first records' seal", func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Delete(metaRecordsGenesis) },
			"neither the seal of its first records"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := tTampered(t, b, true, c.edit)
			if _, err := s.VerifyAudit(); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("VerifyAudit = %v, want %q", err, c.want)
			}
		})
	}
	// The schema number moved back, to have the upgrade seal forged
	// records: refused.
	dst := filepath.Join(t.TempDir(), "back.db")
	copyFile(t, b.path, dst)
	copyFile(t, secrets.KeyPath(b.path), secrets.KeyPath(dst))
	db, err := bolt.Open(dst, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(metaSchema, record.ID(8)) })
	db.Close()
	if s, err := Open(dst, Options{NoSync: true}); err == nil || !strings.Contains(err.Error(), "sealed already") {
		if s != nil {
			s.Close()
		}
		t.Errorf("Open of a file moved back to schema 8 = %v, want it refused", err)
	}
}

// tStripSeal rewrites the entry back entries from the newest one without
// its seal (schema 10 keeps it in the entry), as bbolt alone can.
func tStripSeal(tx *bolt.Tx, back int) error {
	t := openTrail(tx)
	c := t.entries.Cursor()
	k, v := c.Last()
	for range back {
		k, v = c.Prev()
	}
	run, err := t.run(k, v)
	if err != nil {
		return err
	}
	if v[0] != record.AuditSealedRunFormat || run[len(run)-1].seal == nil {
		return fmt.Errorf("entry %d has no seal of its own", run[len(run)-1].Seq)
	}
	for i := range run {
		run[i].seal = nil
	}
	actor, err := t.actorID(run[0].Actor)
	if err != nil {
		return err
	}
	nv, err := encodeAuditRun(run, actor)
	if err != nil {
		return err
	}
	return t.entries.Put(k, nv)
}

// A file of schema 9 keeps its entries' seals in audit_seals: that bucket
// removed is named, not taken for a file of an older schema.
func TestRemovedSealsBucketOfSchema9IsNamed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keydesk.db")
	s, err := Open(path, Options{NoSync: true, schemaCap: 9})
	if err != nil {
		t.Fatal(err)
	}
	tKeyIn(t, s, "S9-1", "Ann", model.Active)
	s.Close()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error { return tx.DeleteBucket(bucketEntrySeals) }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err = Open(path, Options{NoSync: true, schemaCap: 9})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.VerifyAudit(); err == nil || !strings.Contains(err.Error(), "audit_seals) are gone") {
		t.Errorf("VerifyAudit = %v, want the bucket named", err)
	}
}

// The live check of an admin costs nothing to an honest one: helen works
// on after her role was changed, her login noted, and the file reopened.
func TestAuditedAdminsWorkOn(t *testing.T) {
	s, _ := tOpen(t)
	helen := tSSH(t, s, "helen", model.RoleHelpdesk, 1)
	tKeyIn(t, s, "AW-1", "Ann", model.Active)
	if err := s.AdminSeen(helen.Fingerprint); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetAdminRole(tAdmin, "helen", model.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	if err := s.AdminSeen(helen.Fingerprint); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CompromiseKey(helen, Serial("AW-1"), model.Lost, "AW-1", ""); err != nil {
		t.Errorf("an audited admin is refused: %v", err)
	}
	if _, found, err := s.AdminByFingerprint(helen.Fingerprint); err != nil || !found {
		t.Errorf("AdminByFingerprint = %v, %v", found, err)
	}
	tVerify(t, s)
}

// An import's entries are signed at once by its last one, which carries
// the digests of all its keys: a key changed among them is named, and the
// import verifies whole.
func TestImportedKeysAreSealedAtOnce(t *testing.T) {
	s, _ := tOpen(t)
	serials := make([]string, 200)
	for i := range serials {
		serials[i] = fmt.Sprintf("IMP-%03d", i)
	}
	tImportKeys(t, s, serials...)
	tKeyIn(t, s, "IMP-X", "Ann", model.Reserved) // entries after the import, signed one by one
	st := tVerify(t, s)
	if !st.Signed || st.Records < 201 {
		t.Fatalf("VerifyAudit = %+v", st)
	}
	id := tKey(t, s, "IMP-117").ID
	path := s.Path()
	s.Close()
	b := tamperBase{path: path}
	s = tTampered(t, b, true, func(tx *bolt.Tx) error {
		return editKey(tx, id, func(k *model.Key) { k.Firmware = "evil" })
	})
	if _, err := s.VerifyAudit(); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("key id %d is not what audit entry", id)) {
		t.Errorf("VerifyAudit = %v, want key id %d named", err, id)
	}
}

// An entry written while the key file was missing is unsigned: verify
// names it once the key file is back, as it cannot tell it from a forged
// one.
func TestEntryWrittenWithoutTheKeyFileIsNamed(t *testing.T) {
	s, _ := tOpen(t)
	tKeyIn(t, s, "NK-1", "Ann", model.Active)
	path := s.Path()
	s.Close()
	key := secrets.KeyPath(path)
	if err := os.Rename(key, key+".away"); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CompromiseKey(tAdmin, Serial("NK-1"), model.Lost, "NK-1", ""); err != nil {
		t.Fatal(err)
	}
	n := tHead(t, s).Seq
	if _, err := s.VerifyAudit(); err != nil {
		t.Errorf("without the key file the signatures are not checked: %v", err)
	}
	s.Close()
	if err := os.Rename(key+".away", key); err != nil {
		t.Fatal(err)
	}
	s, err = Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.VerifyAudit(); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("audit entries %d are not signed", n)) {
		t.Errorf("VerifyAudit = %v, want entry %d named unsigned", err, n)
	}
}
