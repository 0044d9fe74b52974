package store

import (
	"strings"
	"testing"

	"github.com/keydesk/keydesk/model"
)

func tLastEntry(t *testing.T, s *Store) model.AuditEntry {
	t.Helper()
	trail := tAudit(t, s)
	return trail[len(trail)-1]
}

// A key's profile changes where the model allows, stays pending until
// the device reports it, and both steps are in the key's history.
func TestSetKeyProfilePendingThenApplied(t *testing.T) {
	s, clock := tOpen(t)
	tAddProfile(t, s, "Strict")
	tKeyIn(t, s, "SN-1", "Ann", model.Active)
	clock.Advance(hour)
	k, err := s.SetKeyProfile(tAdmin, Serial("sn-1"), "strict")
	if err != nil {
		t.Fatal(err)
	}
	strict := tProfile(t, s, "Strict")
	if k.ProfileID != strict.ID || !k.ProfilePending() || k.Status != model.Active || !k.UpdatedAt.Equal(tStart.Add(hour)) || k.Code != nil {
		t.Errorf("changed: %+v", k)
	}
	e := tLastEntry(t, s)
	if e.Action != model.ActionKeyProfile || e.Actor != tAdminName || e.Target != "key SN-1 (ann@example.com)" ||
		e.From != model.Active || e.To != model.Active || e.KeyID != k.ID || e.EmployeeID != k.EmployeeID ||
		e.Note != "profile Strict (was Default): pending until the key applies it" {
		t.Errorf("audit entry %+v", e)
	}
	if strict.Keys != 1 || tProfile(t, s, "Default").Keys != 0 {
		t.Errorf("counts: Strict %d, Default %d", strict.Keys, tProfile(t, s, "Default").Keys)
	}

	k, err = s.ProfileApplied(tAdmin, "SN-1")
	if err != nil {
		t.Fatal(err)
	}
	if k.ProfilePending() {
		t.Error("still pending after the device applied it")
	}
	e = tLastEntry(t, s)
	if e.Action != model.ActionKeyProfileApplied || e.Actor != model.ActorDevice || e.Note != "profile Strict applied on the key" || e.KeyID != k.ID {
		t.Errorf("audit entry %+v", e)
	}
	history, _ := s.KeyHistory(k.ID)
	if history[0].Action != model.ActionKeyProfileApplied || history[1].Action != model.ActionKeyProfile {
		t.Errorf("the key's history starts %s, %s", history[0].Action, history[1].Action)
	}
	err = tUnchanged(t, s, func() error { _, err := s.ProfileApplied(tAdmin, "SN-1"); return err })
	tRefusedWith(t, err, "key SN-1 has no profile change waiting for the device")
	tVerify(t, s)
}

// The store asks the model for every status; a refusal changes nothing.
func TestSetKeyProfileByStatus(t *testing.T) {
	s, _ := tOpen(t)
	tAddProfile(t, s, "Strict")
	for i, st := range model.Statuses {
		serial := "SN-" + st.String()
		tKeyIn(t, s, serial, "P"+strings.Repeat("x", i), st)
		if model.ProfileChangeAllowed(st) {
			if _, err := s.SetKeyProfile(tAdmin, Serial(serial), "Strict"); err != nil {
				t.Errorf("%s: %v", st, err)
			}
			continue
		}
		err := tUnchanged(t, s, func() error { _, err := s.SetKeyProfile(tAdmin, Serial(serial), "Strict"); return err })
		tRefusedWith(t, err, "key "+strings.ToUpper(serial)+" is "+st.String()+": its profile can be changed only while it is Ready, Reserved, Active or Suspended")
	}
	err := tUnchanged(t, s, func() error { _, err := s.SetKeyProfile(tAdmin, Serial("SN-Ready"), "Nope"); return err })
	tRefusedWith(t, err, "there is no profile named Nope")
	err = tUnchanged(t, s, func() error { _, err := s.SetKeyProfile(tAdmin, Serial("SN-Ready"), "Strict"); return err })
	tRefusedWith(t, err, "key SN-READY already has the profile Strict")
	// A change decided on an old view of the key is refused.
	k := tKey(t, s, "SN-Active")
	err = tUnchanged(t, s, func() error {
		_, err := s.SetKeyProfile(tAdmin, KeyRef{Serial: k.Serial, Rev: k.Rev - 1}, "Default")
		return err
	})
	tRefusedWith(t, err, "changed while you were looking at it")
}

func TestSetKeyLicence(t *testing.T) {
	s, _ := tOpen(t)
	tImportKeys(t, s, "SN-1")
	until, _ := model.ParseLicenceDate("2025-04-01") // 18 days after tStart: critical
	k, err := s.SetKeyLicence(tAdmin, Serial("SN-1"), until)
	if err != nil {
		t.Fatal(err)
	}
	if !k.LicenceUntil.Equal(until) || model.LicenceStatusOf(tKey(t, s, "SN-1").LicenceUntil, tStart) != model.LicenceCritical {
		t.Errorf("stored licence %v", tKey(t, s, "SN-1").LicenceUntil)
	}
	e := tLastEntry(t, s)
	if e.Action != model.ActionKeyLicence || e.Note != "licence until 2025-04-01 (was none)" || e.From != model.Ready || e.To != model.Ready || e.KeyID != k.ID {
		t.Errorf("audit entry %+v", e)
	}
	if lc, _ := s.LicenceCounts(); lc[model.LicenceCritical] != 1 || len(lc) != 1 {
		t.Errorf("licence counts %v", lc)
	}
	err = tUnchanged(t, s, func() error { _, err := s.SetKeyLicence(tAdmin, Serial("SN-1"), until); return err })
	tRefusedWith(t, err, "already has its licence until 2025-04-01")
	if _, err := s.SetKeyLicence(tAdmin, Serial("SN-1"), zeroTime); err != nil {
		t.Fatal(err)
	}
	if e := tLastEntry(t, s); e.Note != "licence cleared (was until 2025-04-01)" {
		t.Errorf("audit note %q", e.Note)
	}
	if lc, _ := s.LicenceCounts(); len(lc) != 0 {
		t.Errorf("licence counts after clearing %v", lc)
	}
	tKeyIn(t, s, "SN-X", "Xena", model.Compromised)
	err = tUnchanged(t, s, func() error { _, err := s.SetKeyLicence(tAdmin, Serial("SN-X"), until); return err })
	tRefusedWith(t, err, "is Compromised: that is final")
}

// RFIDs are unique when present, normalized, and their changes audited.
func TestSetKeyRFID(t *testing.T) {
	s, _ := tOpen(t)
	rows := []KeyRow{{Line: 2, KeyInput: model.KeyInput{Serial: "SN-1", RFID: "AA01"}}, {Line: 3, KeyInput: model.KeyInput{Serial: "SN-2"}}}
	if _, err := s.ImportKeys(tAdmin, rows); err != nil {
		t.Fatal(err)
	}
	err := tUnchanged(t, s, func() error { _, err := s.SetKeyRFID(tAdmin, Serial("SN-2"), " aa01 "); return err })
	tRefusedWith(t, err, "RFID AA01 is already key SN-1's: an RFID belongs to one key")
	err = tUnchanged(t, s, func() error { _, err := s.SetKeyRFID(tAdmin, Serial("SN-2"), "a b"); return err })
	tRefusedWith(t, err, "may hold only letters, digits")

	if _, err := s.SetKeyRFID(tAdmin, Serial("SN-1"), "bb02"); err != nil {
		t.Fatal(err)
	}
	if e := tLastEntry(t, s); e.Action != model.ActionKeyRFID || e.Note != "RFID BB02 (was AA01)" {
		t.Errorf("audit entry %+v", e)
	}
	// The old RFID is free, the new one taken.
	if _, err := s.SetKeyRFID(tAdmin, Serial("SN-2"), "AA01"); err != nil {
		t.Fatalf("taking the RFID SN-1 gave up: %v", err)
	}
	err = tUnchanged(t, s, func() error { _, err := s.SetKeyRFID(tAdmin, Serial("SN-2"), "BB02"); return err })
	tRefusedWith(t, err, "RFID BB02 is already key SN-1's")
	// A key's own RFID, cleared, and imported again elsewhere.
	if _, err := s.SetKeyRFID(tAdmin, Serial("SN-1"), ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportKeys(tAdmin, []KeyRow{{Line: 2, KeyInput: model.KeyInput{Serial: "SN-3", RFID: "BB02"}}}); err != nil {
		t.Errorf("importing a freed RFID: %v", err)
	}
	_, err = s.ImportKeys(tAdmin, []KeyRow{{Line: 2, KeyInput: model.KeyInput{Serial: "SN-4", RFID: "AA01"}}})
	tImportError(t, err, map[int]string{2: "RFID AA01 is already in the stock"})
}

func TestImportKeysWithProfileAndLicence(t *testing.T) {
	s, _ := tOpen(t)
	tAddProfile(t, s, "Strict")
	file := "serial,profile,licence_until\nSN-1,strict,2026-12-31\nSN-2,,\nSN-3,Default,2025-03-20\n"
	rows, err := ParseKeysCSV(tCtx, strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportKeys(tAdmin, rows); err != nil {
		t.Fatal(err)
	}
	strict := tProfile(t, s, "Strict")
	k1, k2, k3 := tKey(t, s, "SN-1"), tKey(t, s, "SN-2"), tKey(t, s, "SN-3")
	if k1.ProfileID != strict.ID || k1.ProfilePending() || model.FormatLicenceDate(k1.LicenceUntil) != "2026-12-31" {
		t.Errorf("SN-1: %+v", k1)
	}
	if k2.ProfileID != model.DefaultProfileID || !k2.LicenceUntil.IsZero() {
		t.Errorf("SN-2: %+v", k2)
	}
	if k3.ProfileID != model.DefaultProfileID || model.LicenceStatusOf(k3.LicenceUntil, tStart) != model.LicenceCritical {
		t.Errorf("SN-3: %+v", k3)
	}
	if strict.Keys != 1 || tProfile(t, s, "Default").Keys != 2 {
		t.Errorf("counts: Strict %d, Default %d", strict.Keys, tProfile(t, s, "Default").Keys)
	}

	// Every bad row listed; nothing stored.
	bad := "serial,profile,licence_until\nSN-4,Nope,\nSN-5,,2025-02-30\nSN-6,Strict,2026-01-01\n"
	rows, _ = ParseKeysCSV(tCtx, strings.NewReader(bad))
	err = tUnchanged(t, s, func() error { _, err := s.ImportKeys(tAdmin, rows); return err })
	tImportError(t, err, map[int]string{2: "there is no profile named Nope", 3: `licence end date "2025-02-30" is not a date`})
}

func TestEmployeeCompany(t *testing.T) {
	s, _ := tOpen(t)
	in := tPerson("Ann")
	in.Company = " Contoso Ltd "
	added, err := s.AddEmployee(tAdmin, in, "")
	if err != nil {
		t.Fatal(err)
	}
	if added.Employee.Company != "Contoso Ltd" || tEmployee(t, s, "Ann").Company != "Contoso Ltd" {
		t.Errorf("company %q", tEmployee(t, s, "Ann").Company)
	}
	in.Company = "Fabrikam"
	if _, err := s.EditEmployee(tAdmin, Email(tEmail("Ann")), in); err != nil {
		t.Fatal(err)
	}
	if e := tLastEntry(t, s); e.Note != "changed: company" {
		t.Errorf("audit note %q", e.Note)
	}
	rows, err := ParseEmployeesCSV(tCtx, strings.NewReader("first_name,email,company\nBo,bo@example.com,Northwind\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportEmployees(tAdmin, rows); err != nil {
		t.Fatal(err)
	}
	if c := tEmployee(t, s, "Bo").Company; c != "Northwind" {
		t.Errorf("imported company %q", c)
	}
}
