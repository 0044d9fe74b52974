package store

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
	bolt "go.etcd.io/bbolt"
)

// The admin's key operations: what each one writes, and that each refusal
// writes nothing.

var sixDigits = regexp.MustCompile(`^[0-9]{6}$`)

// tOneEntry asserts that exactly one audit entry was written since n and
// returns it.
func tOneEntry(t *testing.T, s *Store, n int) model.AuditEntry {
	t.Helper()
	got := tAuditSince(t, s, n)
	if len(got) != 1 {
		t.Fatalf("%d audit entries written, want 1: %+v", len(got), got)
	}
	return got[0]
}

// tCodeEntries asserts that an operation that returned a code wrote its
// change and then the showing of the code (SPEC 2.2: every showing is
// recorded), and returns the change.
func tCodeEntries(t *testing.T, s *Store, n int) model.AuditEntry {
	t.Helper()
	got := tAuditSince(t, s, n)
	if len(got) != 2 {
		t.Fatalf("%d audit entries written, want the change and code.shown: %+v", len(got), got)
	}
	change, shown := got[0], got[1]
	tEntryIs(t, shown, model.ActionCodeShown, change.Actor, change.To, change.To)
	if shown.KeyID != change.KeyID || shown.EmployeeID != change.EmployeeID || shown.Target != change.Target {
		t.Errorf("code.shown is about key %d employee %d %q, the change about key %d employee %d %q",
			shown.KeyID, shown.EmployeeID, shown.Target, change.KeyID, change.EmployeeID, change.Target)
	}
	return change
}

func tEntryIs(t *testing.T, e model.AuditEntry, action model.Action, actor string, from, to model.Status) {
	t.Helper()
	if e.Action != action || e.Actor != actor || e.From != from || e.To != to {
		t.Errorf("audit entry %s by %q %v -> %v, want %s by %q %v -> %v", e.Action, e.Actor, e.From, e.To, action, actor, from, to)
	}
}

func TestImportKeysStoresReadyKeysNormalized(t *testing.T) {
	s, _ := tOpen(t)
	n, err := s.ImportKeys(tAdmin, []KeyRow{
		{Line: 2, KeyInput: model.KeyInput{Serial: " sn-a1 ", MAC: "aa-bb-cc-dd-ee-01", Model: "IPI Key 4", Firmware: "4.1.7", RFID: "3a00f1"}},
		{Line: 3, KeyInput: model.KeyInput{Serial: "SN-B2"}},
	})
	if err != nil || n != 2 {
		t.Fatalf("ImportKeys = %d, %v", n, err)
	}
	k := tKey(t, s, "SN-A1")
	if k.Serial != "SN-A1" || k.MAC != "AA:BB:CC:DD:EE:01" || k.RFID != "3A00F1" || k.Model != "IPI Key 4" || k.Firmware != "4.1.7" {
		t.Errorf("stored %+v", k)
	}
	if k.Status != model.Ready || k.EmployeeID != 0 || k.Code != nil || k.Rev != 1 || !k.ImportedAt.Equal(tStart) {
		t.Errorf("new key: status %v employee %d code %v rev %d imported %v", k.Status, k.EmployeeID, k.Code, k.Rev, k.ImportedAt)
	}
	audit := tAudit(t, s)
	if len(audit) != 2 {
		t.Fatalf("%d audit entries, want one per key", len(audit))
	}
	tEntryIs(t, audit[0], model.ActionKeyImported, tAdminName, 0, model.Ready)
	if audit[0].Target != "key SN-A1" || audit[0].KeyID != k.ID {
		t.Errorf("entry names %q key %d", audit[0].Target, audit[0].KeyID)
	}
	// The indexes find the key by any of its unique fields.
	err = tUnchanged(t, s, func() error {
		_, err := s.ImportKeys(tAdmin, []KeyRow{{Line: 2, KeyInput: model.KeyInput{Serial: "SN-C3", MAC: "AA:BB:CC:DD:EE:01"}}})
		return err
	})
	if !isImportError(err) {
		t.Errorf("duplicate MAC: %v", err)
	}
}

func TestImportKeysRefusesNoRows(t *testing.T) {
	s, _ := tOpen(t)
	err := tUnchanged(t, s, func() error { _, err := s.ImportKeys(tAdmin, nil); return err })
	tRefusedWith(t, err, "no keys to import")
}

func TestAssignKey(t *testing.T) {
	s, _ := tOpen(t)
	tImportKeys(t, s, "SN-A1")
	jane := tAddEmployee(t, s, "Jane")
	n := len(tAudit(t, s))

	view, err := s.AssignKey(tAdmin, Serial("sn-a1"), "JANE@example.com")
	if err != nil {
		t.Fatalf("AssignKey: %v", err)
	}
	if view.Serial != "SN-A1" || !sixDigits.MatchString(view.Digits) || view.Employee != "Jane Tester" || view.Email != "jane@example.com" {
		t.Errorf("CodeView %+v", view)
	}
	if !view.IssuedAt.Equal(tStart) || !view.ExpiresAt.Equal(tStart.Add(7*24*time.Hour)) {
		t.Errorf("code issued %v expires %v", view.IssuedAt, view.ExpiresAt)
	}
	k := tKey(t, s, "SN-A1")
	if k.Status != model.Reserved || k.EmployeeID != jane.ID || k.Code == nil || k.Code.Digits != view.Digits || k.Code.Failures != 0 {
		t.Errorf("key after assign: %v employee %d code %+v", k.Status, k.EmployeeID, k.Code)
	}
	if got := tEmployee(t, s, "Jane"); got.KeyID != k.ID {
		t.Errorf("employee KeyID = %d, want %d", got.KeyID, k.ID)
	}
	e := tCodeEntries(t, s, n)
	tEntryIs(t, e, model.ActionKeyAssigned, tAdminName, model.Ready, model.Reserved)
	if e.Target != "key SN-A1 (jane@example.com)" || e.KeyID != k.ID || e.EmployeeID != jane.ID {
		t.Errorf("entry %q key %d employee %d", e.Target, e.KeyID, e.EmployeeID)
	}
	if tCodeCount(t, s) != 1 {
		t.Errorf("codes bucket holds %d codes, want 1", tCodeCount(t, s))
	}
}

func TestAssignKeyRefusals(t *testing.T) {
	s, _ := tOpen(t)
	tKeyIn(t, s, "SN-HELD", "Holder", model.Active)
	tImportKeys(t, s, "SN-FREE", "SN-OTHER")
	tAddEmployee(t, s, "Jane")
	for _, tc := range []struct {
		name, serial, email string
		want                []string
	}{
		{"unknown key", "SN-NONE", "jane@example.com", []string{"there is no key with serial SN-NONE"}},
		{"bad serial", "SN\x1b[2J", "jane@example.com", []string{"serial", "control characters"}},
		{"unknown employee", "SN-FREE", "nobody@example.com", []string{"there is no employee with e-mail nobody@example.com"}},
		{"key not Ready", "SN-HELD", "jane@example.com", []string{"key SN-HELD is Active"}},
		{"employee holds a key", "SN-FREE", "holder@example.com", []string{"Holder Tester already holds a key", "remove it first"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tUnchanged(t, s, func() error { _, err := s.AssignKey(tAdmin, Serial(tc.serial), tc.email); return err })
			tRefusedWith(t, err, tc.want...)
		})
	}
}

// Every operation that takes a KeyRef refuses a revision the key has moved
// past, and writes nothing.
func TestStaleKeyRevRefused(t *testing.T) {
	s, _ := tOpen(t)
	tAddEmployee(t, s, "Jane")
	// A Ready key with a history, so that it has an older revision.
	tKeyIn(t, s, "SN-READY", "Ray", model.Deactivated)
	if _, err := s.KeyWiped(tAdmin, Serial("SN-READY")); err != nil {
		t.Fatal(err)
	}
	tKeyIn(t, s, "SN-RES", "Rita", model.Reserved)
	tKeyIn(t, s, "SN-ACT", "Adam", model.Active)
	tKeyIn(t, s, "SN-LOCK", "Lena", model.Locked)
	tKeyIn(t, s, "SN-SUSP", "Sam", model.Suspended)
	tKeyIn(t, s, "SN-SUSP2", "Sue", model.Suspended)
	tKeyIn(t, s, "SN-DEACT", "Dora", model.Deactivated)

	ops := []struct {
		name   string
		serial string
		op     func(ref KeyRef) error
	}{
		{"assign", "SN-READY", func(r KeyRef) error { _, err := s.AssignKey(tAdmin, r, "jane@example.com"); return err }},
		{"show code", "SN-RES", func(r KeyRef) error { _, err := s.ShowCode(tAdmin, r); return err }},
		{"reissue", "SN-RES", func(r KeyRef) error { _, err := s.ReissueCode(tAdmin, r); return err }},
		{"suspend", "SN-ACT", func(r KeyRef) error { _, err := s.SuspendKey(tAdmin, r, ""); return err }},
		{"unlock", "SN-LOCK", func(r KeyRef) error { _, err := s.UnlockKey(tAdmin, r); return err }},
		{"remove", "SN-SUSP", func(r KeyRef) error { _, err := s.RemoveKey(tAdmin, r, model.Broken, ""); return err }},
		{"compromise", "SN-SUSP2", func(r KeyRef) error {
			_, err := s.CompromiseKey(tAdmin, r, model.Lost, r.Serial, "")
			return err
		}},
		{"wiped", "SN-DEACT", func(r KeyRef) error { _, err := s.KeyWiped(tAdmin, r); return err }},
	}
	for _, tc := range ops {
		t.Run(tc.name, func(t *testing.T) {
			k := tKey(t, s, tc.serial)
			if k.Rev < 2 {
				t.Fatalf("fixture: key %s has no older revision", tc.serial)
			}
			stale := KeyRef{Serial: tc.serial, Rev: k.Rev - 1}
			err := tUnchanged(t, s, func() error { return tc.op(stale) })
			tRefusedWith(t, err, "key "+tc.serial+" changed while you were looking at it", "look again")
			// The revision the admin sees now works.
			if err := tc.op(KeyRef{Serial: tc.serial, Rev: k.Rev}); err != nil {
				t.Errorf("with the current revision: %v", err)
			}
		})
	}
}

func TestShowCodeRecordsEveryShowing(t *testing.T) {
	s, _ := tOpen(t)
	code := tKeyIn(t, s, "SN-A1", "Jane", model.Reserved)
	before := tKey(t, s, "SN-A1")
	for i := 0; i < 2; i++ {
		n := len(tAudit(t, s))
		view, err := s.ShowCode(model.Actor{Name: "bob", Fingerprint: "SHA256:abc", Bootstrap: true}, Serial("SN-A1"))
		if err != nil {
			t.Fatalf("ShowCode: %v", err)
		}
		if view.Digits != code || view.Employee != "Jane Tester" || view.Email != "jane@example.com" {
			t.Errorf("CodeView %+v, want code %s for Jane", view, code)
		}
		e := tOneEntry(t, s, n)
		tEntryIs(t, e, model.ActionCodeShown, "bob (admin, SHA256:abc)", model.Reserved, model.Reserved)
		if e.KeyID != before.ID || e.EmployeeID != before.EmployeeID {
			t.Errorf("entry about key %d employee %d", e.KeyID, e.EmployeeID)
		}
	}
	// Showing is not a change of the key: the admin's revision stays valid.
	if after := tKey(t, s, "SN-A1"); after.Rev != before.Rev {
		t.Errorf("ShowCode moved Rev %d -> %d", before.Rev, after.Rev)
	}
}

func TestShowCodeRefusedWithoutCode(t *testing.T) {
	s, _ := tOpen(t)
	tKeyIn(t, s, "SN-A1", "Jane", model.Active)
	err := tUnchanged(t, s, func() error { _, err := s.ShowCode(tAdmin, Serial("SN-A1")); return err })
	tRefusedWith(t, err, "key SN-A1 is Active: it has no activation code")
	err = tUnchanged(t, s, func() error { _, err := s.ShowCode(tAdmin, Serial("SN-NONE")); return err })
	tRefusedWith(t, err, "there is no key with serial SN-NONE")
}

func TestReissueCode(t *testing.T) {
	s, clock := tOpen(t)
	old := tKeyIn(t, s, "SN-A1", "Jane", model.Reserved)
	if _, err := s.DeviceEnterCode(tAdmin, "SN-A1", otherCode(old)); err == nil {
		t.Fatal("a wrong code was accepted")
	}
	clock.Advance(time.Hour)
	n := len(tAudit(t, s))
	view, err := s.ReissueCode(tAdmin, Serial("SN-A1"))
	if err != nil {
		t.Fatalf("ReissueCode: %v", err)
	}
	k := tKey(t, s, "SN-A1")
	if k.Status != model.Reserved || k.Code == nil || k.Code.Digits != view.Digits || k.Code.Failures != 0 {
		t.Errorf("after reissue: %v code %+v (want the new code, attempts reset)", k.Status, k.Code)
	}
	if !view.IssuedAt.Equal(tStart.Add(time.Hour)) {
		t.Errorf("new code issued %v", view.IssuedAt)
	}
	tEntryIs(t, tCodeEntries(t, s, n), model.ActionCodeReissued, tAdminName, model.Reserved, model.Reserved)

	tKeyIn(t, s, "SN-B2", "Adam", model.Active)
	err = tUnchanged(t, s, func() error { _, err := s.ReissueCode(tAdmin, Serial("SN-B2")); return err })
	tRefusedWith(t, err, "key SN-B2 is Active: it can be suspended, removed or marked compromised")
}

func TestSuspendKey(t *testing.T) {
	s, _ := tOpen(t)
	tKeyIn(t, s, "SN-A1", "Jane", model.Active)
	n := len(tAudit(t, s))
	view, err := s.SuspendKey(tAdmin, Serial("SN-A1"), "  parental leave ")
	if err != nil {
		t.Fatalf("SuspendKey: %v", err)
	}
	k := tKey(t, s, "SN-A1")
	if k.Status != model.Suspended || k.Note != "parental leave" || k.Code == nil || k.Code.Digits != view.Digits || k.EmployeeID == 0 {
		t.Errorf("after suspend: %v note %q code %+v employee %d", k.Status, k.Note, k.Code, k.EmployeeID)
	}
	e := tCodeEntries(t, s, n)
	tEntryIs(t, e, model.ActionKeySuspended, tAdminName, model.Active, model.Suspended)
	if e.Note != "parental leave" {
		t.Errorf("entry note %q", e.Note)
	}

	tKeyIn(t, s, "SN-B2", "Rita", model.Reserved)
	err = tUnchanged(t, s, func() error { _, err := s.SuspendKey(tAdmin, Serial("SN-B2"), ""); return err })
	tRefusedWith(t, err, "key SN-B2 is Reserved: it can be given a new code, removed or marked compromised")
	err = tUnchanged(t, s, func() error { _, err := s.SuspendKey(tAdmin, Serial("SN-A1"), ""); return err })
	tRefusedWith(t, err, "key SN-A1 is Suspended")
}

func TestSuspendKeyRefusesBadNote(t *testing.T) {
	s, _ := tOpen(t)
	tKeyIn(t, s, "SN-A1", "Jane", model.Active)
	err := tUnchanged(t, s, func() error { _, err := s.SuspendKey(tAdmin, Serial("SN-A1"), "bad\x1b]52;c;aGk=\a"); return err })
	tRefusedWith(t, err, "note may not contain control characters")
}

func TestUnlockKey(t *testing.T) {
	s, _ := tOpen(t)
	tKeyIn(t, s, "SN-A1", "Jane", model.Locked)
	if k := tKey(t, s, "SN-A1"); k.Reason != model.LockedByInvalidPin {
		t.Fatalf("fixture: reason %v", k.Reason)
	}
	n := len(tAudit(t, s))
	view, err := s.UnlockKey(tAdmin, Serial("SN-A1"))
	if err != nil {
		t.Fatalf("UnlockKey: %v", err)
	}
	k := tKey(t, s, "SN-A1")
	if k.Status != model.Suspended || k.Reason != model.NoReason || k.Code == nil || k.Code.Digits != view.Digits {
		t.Errorf("after unlock: %v %v code %+v", k.Status, k.Reason, k.Code)
	}
	tEntryIs(t, tCodeEntries(t, s, n), model.ActionKeyUnlocked, tAdminName, model.Locked, model.Suspended)

	err = tUnchanged(t, s, func() error { _, err := s.UnlockKey(tAdmin, Serial("SN-A1")); return err })
	tRefusedWith(t, err, "key SN-A1 is Suspended: it can be given a new code, removed or marked compromised")
}

func TestRemoveKey(t *testing.T) {
	for _, tc := range []struct {
		from   model.Status
		reason model.Reason
		to     model.Status
	}{
		{model.Reserved, model.Withdrawal, model.Ready}, // T10: never activated
		{model.Reserved, model.Broken, model.Deactivated},
		{model.Active, model.Withdrawal, model.Deactivated},
		{model.Locked, model.Broken, model.Deactivated},
		{model.Suspended, model.Withdrawal, model.Deactivated},
	} {
		t.Run(tc.from.String()+"/"+tc.reason.String(), func(t *testing.T) {
			s, _ := tOpen(t)
			tKeyIn(t, s, "SN-A1", "Jane", tc.from)
			jane := tEmployee(t, s, "Jane")
			n := len(tAudit(t, s))
			k, err := s.RemoveKey(tAdmin, Serial("SN-A1"), tc.reason, "returned at desk")
			if err != nil {
				t.Fatalf("RemoveKey: %v", err)
			}
			stored := tKey(t, s, "SN-A1")
			if k.Status != tc.to || stored.Status != tc.to || stored.EmployeeID != 0 || stored.Code != nil {
				t.Errorf("after remove: returned %v, stored %v employee %d code %+v", k.Status, stored.Status, stored.EmployeeID, stored.Code)
			}
			if tc.to == model.Deactivated && (stored.Reason != tc.reason || stored.Note != "returned at desk") {
				t.Errorf("Deactivated with reason %v note %q", stored.Reason, stored.Note)
			}
			if tc.to == model.Ready && (stored.Reason != model.NoReason || stored.Note != "") {
				t.Errorf("back to Ready with reason %v note %q", stored.Reason, stored.Note)
			}
			if got := tEmployee(t, s, "Jane"); got.KeyID != 0 {
				t.Errorf("employee still holds key %d", got.KeyID)
			}
			if tCodeCount(t, s) != 0 {
				t.Errorf("a code is left in the codes bucket")
			}
			e := tOneEntry(t, s, n)
			tEntryIs(t, e, model.ActionKeyRemoved, tAdminName, tc.from, tc.to)
			if e.Reason != tc.reason || e.Note != "returned at desk" || e.EmployeeID != jane.ID || e.Target != "key SN-A1 (jane@example.com)" {
				t.Errorf("entry reason %v note %q employee %d target %q", e.Reason, e.Note, e.EmployeeID, e.Target)
			}
		})
	}
}

func TestRemoveKeyRefusals(t *testing.T) {
	s, _ := tOpen(t)
	tKeyIn(t, s, "SN-A1", "Jane", model.Active)
	tKeyIn(t, s, "SN-B2", "", model.Ready)
	for _, tc := range []struct {
		name   string
		serial string
		reason model.Reason
		want   string
	}{
		{"no reason", "SN-A1", model.NoReason, "say why key SN-A1 is removed: withdrawal or broken"},
		{"compromise reason", "SN-A1", model.Lost, "say why key SN-A1 is removed"},
		{"Ready key", "SN-B2", model.Broken, "key SN-B2 is Ready: it can be assigned to an employee"},
		{"unknown key", "SN-C3", model.Broken, "there is no key with serial SN-C3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tUnchanged(t, s, func() error { _, err := s.RemoveKey(tAdmin, Serial(tc.serial), tc.reason, ""); return err })
			tRefusedWith(t, err, tc.want)
		})
	}
}

func TestCompromiseKey(t *testing.T) {
	for _, from := range []model.Status{model.Reserved, model.Active, model.Locked, model.Suspended} {
		t.Run(from.String(), func(t *testing.T) {
			s, _ := tOpen(t)
			tKeyIn(t, s, "SN-A1", "Jane", from)
			n := len(tAudit(t, s))
			if _, err := s.CompromiseKey(tAdmin, Serial("SN-A1"), model.Stolen, " sn-a1 ", "bag stolen"); err != nil {
				t.Fatalf("CompromiseKey: %v", err)
			}
			k := tKey(t, s, "SN-A1")
			if k.Status != model.Compromised || k.Reason != model.Stolen || k.Note != "bag stolen" || k.EmployeeID != 0 || k.Code != nil {
				t.Errorf("after compromise: %+v", k)
			}
			if tEmployee(t, s, "Jane").KeyID != 0 || tCodeCount(t, s) != 0 {
				t.Errorf("employee still tied or code left")
			}
			e := tOneEntry(t, s, n)
			tEntryIs(t, e, model.ActionKeyCompromised, tAdminName, from, model.Compromised)
			if e.Reason != model.Stolen || e.Note != "bag stolen" {
				t.Errorf("entry reason %v note %q", e.Reason, e.Note)
			}
			// Final: nothing more can be done with it.
			err := tUnchanged(t, s, func() error { _, err := s.KeyWiped(tAdmin, Serial("SN-A1")); return err })
			tRefusedWith(t, err, "key SN-A1 is Compromised: that is final")
			err = tUnchanged(t, s, func() error { _, err := s.AssignKey(tAdmin, Serial("SN-A1"), "jane@example.com"); return err })
			tRefusedWith(t, err, "that is final")
		})
	}
}

func TestCompromiseKeyRefusals(t *testing.T) {
	s, _ := tOpen(t)
	tKeyIn(t, s, "SN-A1", "Jane", model.Active)
	tKeyIn(t, s, "SN-B2", "", model.Ready)
	for _, tc := range []struct {
		name, serial, confirm string
		reason                model.Reason
		want                  string
	}{
		{"no confirmation", "SN-A1", "", model.Lost, "type its serial SN-A1 to confirm"},
		{"wrong confirmation", "SN-A1", "SN-B2", model.Lost, "type its serial SN-A1 to confirm"},
		{"remove reason", "SN-A1", "SN-A1", model.Broken, "say why key SN-A1 is compromised: lost or stolen"},
		{"Ready key", "SN-B2", "SN-B2", model.Lost, "key SN-B2 is Ready"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tUnchanged(t, s, func() error {
				_, err := s.CompromiseKey(tAdmin, Serial(tc.serial), tc.reason, tc.confirm, "")
				return err
			})
			tRefusedWith(t, err, tc.want)
		})
	}
}

func TestKeyWiped(t *testing.T) {
	s, _ := tOpen(t)
	tKeyIn(t, s, "SN-A1", "Jane", model.Deactivated)
	n := len(tAudit(t, s))
	if _, err := s.KeyWiped(tAdmin, Serial("SN-A1")); err != nil {
		t.Fatalf("KeyWiped: %v", err)
	}
	k := tKey(t, s, "SN-A1")
	if k.Status != model.Ready || k.Reason != model.NoReason || k.Note != "" || k.EmployeeID != 0 {
		t.Errorf("after wipe: %+v", k)
	}
	tEntryIs(t, tOneEntry(t, s, n), model.ActionKeyWiped, tAdminName, model.Deactivated, model.Ready)
	// Ready again: it can go to someone else.
	tAddEmployee(t, s, "Omar")
	if _, err := s.AssignKey(tAdmin, Serial("SN-A1"), "omar@example.com"); err != nil {
		t.Errorf("assigning the wiped key: %v", err)
	}
	err := tUnchanged(t, s, func() error { _, err := s.KeyWiped(tAdmin, Serial("SN-A1")); return err })
	tRefusedWith(t, err, "key SN-A1 is Reserved")
}

func TestDevicePinLocked(t *testing.T) {
	s, _ := tOpen(t)
	tKeyIn(t, s, "SN-A1", "Jane", model.Active)
	n := len(tAudit(t, s))
	k, err := s.DevicePinLocked(tAdmin, "sn-a1")
	if err != nil {
		t.Fatalf("DevicePinLocked: %v", err)
	}
	if k.Status != model.Locked || k.Reason != model.LockedByInvalidPin || k.EmployeeID == 0 {
		t.Errorf("after PIN lock: %+v", k)
	}
	e := tOneEntry(t, s, n)
	tEntryIs(t, e, model.ActionKeyPinLocked, model.ActorDevice, model.Active, model.Locked)
	if e.Reason != model.LockedByInvalidPin {
		t.Errorf("entry reason %v", e.Reason)
	}
	err = tUnchanged(t, s, func() error { _, err := s.DevicePinLocked(tAdmin, "SN-A1"); return err })
	tRefusedWith(t, err, "key SN-A1 is Locked: only an Active key can be locked by PIN")
}

func TestReadersOmitCodes(t *testing.T) {
	s, _ := tOpen(t)
	tKeyIn(t, s, "SN-A1", "Jane", model.Reserved)
	k, err := s.Key("sn-a1")
	if err != nil || k.Serial != "SN-A1" || k.Code != nil {
		t.Errorf("Key = %+v, %v; want the key without its code", k, err)
	}
	byID, err := s.KeyByID(k.ID)
	if err != nil || byID.Serial != "SN-A1" || byID.Code != nil {
		t.Errorf("KeyByID = %+v, %v", byID, err)
	}
	snap, err := s.Snapshot()
	if err != nil || len(snap.Keys) != 1 || snap.Keys[0].Code != nil {
		t.Fatalf("Snapshot = %+v, %v", snap, err)
	}
	if c := snap.Counts(); c[model.Reserved] != 1 || len(snap.Employees) != 1 {
		t.Errorf("Counts = %v, employees %d", c, len(snap.Employees))
	}
	if _, err := s.KeyByID(999); !model.IsRefusal(err) {
		t.Errorf("KeyByID(999) = %v, want a refusal", err)
	}
}

// Imports write each index in its own order (see importKeysAt):
// whatever the file's order, every index must name the right key.
func TestImportKeysInAnyOrder(t *testing.T) {
	s, _ := tOpen(t)
	tImportKeys(t, s, "SN-0500", "SN-0000") // existing entries to interleave with
	rows := make([]KeyRow, 300)
	for i := range rows {
		j := (i * 7919) % len(rows) // a fixed shuffle
		rows[i] = KeyRow{Line: i + 2, KeyInput: model.KeyInput{Serial: fmt.Sprintf("SN-%04d", j+1),
			MAC: fmt.Sprintf("02:00:00:00:%02X:%02X", byte(j*37>>8), byte(j*37)), RFID: fmt.Sprintf("RF%04d", (j*53)%1000)}}
	}
	rows[10].MAC = "" // keys without a MAC or RFID are not index.Entry by them
	rows[20].RFID = ""
	if _, err := s.ImportKeys(tAdmin, rows); err != nil {
		t.Fatalf("ImportKeys: %v", err)
	}
	err := s.db.View(func(tx *bolt.Tx) error {
		for _, row := range rows {
			k, err := s.keyBySerial(tx, row.Serial)
			if err != nil {
				t.Fatalf("key %s: %v", row.Serial, err)
			}
			if k.MAC != row.MAC || k.RFID != row.RFID {
				t.Errorf("key %s stored with MAC %q RFID %q, want %q %q", row.Serial, k.MAC, k.RFID, row.MAC, row.RFID)
			}
			for _, ix := range []struct {
				bucket []byte
				value  string
			}{{bucketMACs, row.MAC}, {bucketRFIDs, row.RFID}} {
				if ix.value == "" {
					continue
				}
				if id, err := s.keyIndex(tx, ix.bucket).Get(ix.value); err != nil || id != k.ID {
					t.Errorf("index %s: %s names key %d, want %d", ix.bucket, ix.value, id, k.ID)
				}
			}
		}
		if n := tx.Bucket(bucketKeys).Stats().KeyN; n != 302 {
			t.Errorf("%d keys, want 302", n)
		}
		for name, want := range map[string]int{"idx_serial": 302, "idx_mac": 299, "idx_rfid": 299} {
			if n := tIndexValues(t, tx, []byte(name)); n != want {
				t.Errorf("index %s holds %d values, want %d", name, n, want)
			}
		}
		for err := range tx.Check() {
			t.Errorf("bbolt check: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The entries work as unique indexes.
	again := []KeyRow{{Line: 2, KeyInput: model.KeyInput{Serial: "SN-NEW", MAC: rows[5].MAC}}}
	err = tUnchanged(t, s, func() error { _, err := s.ImportKeys(tAdmin, again); return err })
	if !isImportError(err) || !strings.Contains(err.Error(), "already in the stock") {
		t.Errorf("duplicate MAC: %v", err)
	}
}

func isImportError(err error) bool {
	var ie *ImportError
	return errors.As(err, &ie)
}
