package model_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
)

func tStrict() model.Profile {
	return model.Profile{ID: 3, Name: "Strict", ProfileRules: tRules()}
}

// tKeyWithProfile is a key in status s whose Default profile is on the
// device.
func tKeyWithProfile(s model.Status) model.Key {
	k := tKeyIn(s)
	k.ProfileID, k.AppliedProfileID = model.DefaultProfileID, model.DefaultProfileID
	return k
}

// Every status: the profile changes in Ready, Reserved, Active and
// Suspended only, and the refusal names the status and where it can.
func TestChangeKeyProfileByStatus(t *testing.T) {
	allowed := map[model.Status]bool{model.Ready: true, model.Reserved: true, model.Active: true, model.Suspended: true}
	for _, s := range model.Statuses {
		k := tKeyWithProfile(s)
		before := tDeepCopy(k)
		got, err := model.ChangeKeyProfile(k, tStrict(), tNow)
		if model.ProfileChangeAllowed(s) != allowed[s] {
			t.Errorf("%s: ProfileChangeAllowed = %v", s, !allowed[s])
		}
		if !reflect.DeepEqual(k, before) {
			t.Errorf("%s: the caller's key was changed", s)
		}
		if !allowed[s] {
			want := "key ABC123 is " + s.String() + ": its profile can be changed only while it is Ready, Reserved, Active or Suspended"
			if err == nil || err.Error() != want || !model.IsRefusal(err) {
				t.Errorf("%s: %v, want %q", s, err, want)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		// The status and everything else stay; the change waits for the device.
		want := tDeepCopy(k)
		want.ProfileID, want.UpdatedAt = 3, tNow
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %+v\nwant %+v", s, got, want)
		}
		if !got.ProfilePending() {
			t.Errorf("%s: the change is not pending", s)
		}
		if got.Code != nil && got.Code == k.Code {
			t.Errorf("%s: the new key shares the caller's code", s)
		}
	}
}

func TestChangeKeyProfileToTheSameOne(t *testing.T) {
	k := tKeyWithProfile(model.Active)
	_, err := model.ChangeKeyProfile(k, tDefaultProfile(), tNow)
	if err == nil || err.Error() != "key ABC123 already has the profile Default" {
		t.Errorf("got %v", err)
	}
}

// Pending until the device reports; changing back before it does leaves
// nothing to carry.
func TestProfilePendingUntilApplied(t *testing.T) {
	k := tKeyWithProfile(model.Active)
	if k.ProfilePending() {
		t.Fatal("a key whose device has its profile is pending")
	}
	if _, err := model.ApplyKeyProfile(k, tNow); err == nil || err.Error() != "key ABC123 has no profile change waiting for the device" {
		t.Errorf("applying with nothing pending: %v", err)
	}
	changed, err := model.ChangeKeyProfile(k, tStrict(), tNow)
	if err != nil {
		t.Fatal(err)
	}
	later := tNow.Add(time.Hour)
	applied, err := model.ApplyKeyProfile(changed, later)
	if err != nil {
		t.Fatal(err)
	}
	if applied.ProfilePending() || applied.AppliedProfileID != 3 || applied.ProfileID != 3 || !applied.UpdatedAt.Equal(later) || applied.Status != model.Active {
		t.Errorf("applied: %+v", applied)
	}
	back, err := model.ChangeKeyProfile(changed, tDefaultProfile(), later)
	if err != nil {
		t.Fatal(err)
	}
	if back.ProfilePending() {
		t.Error("changed back before the device applied: still pending")
	}
}

func TestSetKeyLicence(t *testing.T) {
	until := tDate(t, "2026-12-31")
	k := tKeyWithProfile(model.Active)
	got, err := model.SetKeyLicence(k, until, tNow)
	if err != nil {
		t.Fatal(err)
	}
	if !got.LicenceUntil.Equal(until) || !got.UpdatedAt.Equal(tNow) || got.Status != model.Active {
		t.Errorf("set: %+v", got)
	}
	if _, err := model.SetKeyLicence(got, until, tNow); err == nil || err.Error() != "key ABC123 already has its licence until 2026-12-31" {
		t.Errorf("the same date again: %v", err)
	}
	cleared, err := model.SetKeyLicence(got, time.Time{}, tNow)
	if err != nil || !cleared.LicenceUntil.IsZero() {
		t.Errorf("cleared: %+v, %v", cleared, err)
	}
	if _, err := model.SetKeyLicence(cleared, time.Time{}, tNow); err == nil || err.Error() != "key ABC123 has no licence to clear" {
		t.Errorf("clearing none: %v", err)
	}
	for _, s := range model.Statuses {
		_, err := model.SetKeyLicence(tKeyWithProfile(s), until, tNow)
		if (err == nil) != (s != model.Compromised) {
			t.Errorf("%s: %v", s, err)
		}
	}
	if note := model.LicenceNote(time.Time{}, until); note != "licence until 2026-12-31 (was none)" {
		t.Errorf("note %q", note)
	}
	if note := model.LicenceNote(until, time.Time{}); note != "licence cleared (was until 2026-12-31)" {
		t.Errorf("note %q", note)
	}
}

func TestSetKeyRFID(t *testing.T) {
	k := tKeyWithProfile(model.Ready) // RFID 0012AB
	got, err := model.SetKeyRFID(k, " 00ff-01 ", tNow)
	if err != nil || got.RFID != "00FF-01" || !got.UpdatedAt.Equal(tNow) {
		t.Errorf("set: %+v, %v", got, err)
	}
	for _, tc := range []struct{ rfid, want string }{
		{"0012ab", "key ABC123 already has the RFID 0012AB"},
		{"00 12", "RFID \"00 12\" may hold only letters, digits, '-' and '_'"},
		{strings.Repeat("A", 33), "RFID is too long"},
		{"A\x1bB", "RFID may not contain control characters"},
	} {
		_, err := model.SetKeyRFID(k, tc.rfid, tNow)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !model.IsRefusal(err) {
			t.Errorf("%q: %v, want %q", tc.rfid, err, tc.want)
		}
	}
	cleared, err := model.SetKeyRFID(k, "", tNow)
	if err != nil || cleared.RFID != "" {
		t.Errorf("cleared: %+v, %v", cleared, err)
	}
	if _, err := model.SetKeyRFID(cleared, " ", tNow); err == nil || err.Error() != "key ABC123 has no RFID to clear" {
		t.Errorf("clearing none: %v", err)
	}
	if _, err := model.SetKeyRFID(tKeyWithProfile(model.Compromised), "77", tNow); err == nil || !strings.Contains(err.Error(), "is Compromised: that is final") {
		t.Errorf("a compromised key: %v", err)
	}
	if note := model.RFIDNote("0012AB", ""); note != "RFID none (was 0012AB)" {
		t.Errorf("note %q", note)
	}
}
