package model

import (
	"fmt"
	"time"
)

// Changes to a key that are not status changes: its profile, its licence
// and its RFID. They do not go through Transition (the status stays as it
// is), but their rules live here all the same, and the store asks them.

// profileStatuses are the statuses in which a key's profile can be
// changed: a key in use or about to be, never one taken back or lost.
var profileStatuses = []Status{Ready, Reserved, Active, Suspended}

// ProfileChangeAllowed reports whether a key in status s may be given
// another profile.
func ProfileChangeAllowed(s Status) bool {
	for _, p := range profileStatuses {
		if p == s {
			return true
		}
	}
	return false
}

func profileStatusWords() string {
	words := make([]string, len(profileStatuses))
	for i, s := range profileStatuses {
		words[i] = s.String()
	}
	return joinOr(words)
}

// ChangeKeyProfile gives k the profile p. The key carries it to the
// device when it next connects: until the device reports it applied
// (ApplyKeyProfile), the change is pending.
func ChangeKeyProfile(k Key, p Profile, now time.Time) (Key, error) {
	if !ProfileChangeAllowed(k.Status) {
		return Key{}, refuse("key %s is %s: its profile can be changed only while it is %s", k.Serial, k.Status, profileStatusWords())
	}
	if k.ProfileID == p.ID {
		return Key{}, refuse("key %s already has the profile %s", k.Serial, p.Name)
	}
	next := k.Clone()
	next.ProfileID, next.UpdatedAt = p.ID, now
	return next, nil
}

// ProfilePending reports whether the key's profile still waits for the
// device to apply it.
func (k Key) ProfilePending() bool { return k.ProfileID != k.AppliedProfileID }

// ApplyKeyProfile records the device's report that it enforces the key's
// profile now.
func ApplyKeyProfile(k Key, now time.Time) (Key, error) {
	if !k.ProfilePending() {
		return Key{}, refuse("key %s has no profile change waiting for the device", k.Serial)
	}
	next := k.Clone()
	next.AppliedProfileID, next.UpdatedAt = k.ProfileID, now
	return next, nil
}

// checkEditable refuses to edit a Compromised key: it is final.
func checkEditable(k Key) error {
	if k.Status == Compromised {
		return refuse("key %s is Compromised: that is final, nothing more can be done with it", k.Serial)
	}
	return nil
}

// SetKeyLicence gives k a licence ending on until (zero clears it). The
// date must come from ParseLicenceDate.
func SetKeyLicence(k Key, until time.Time, now time.Time) (Key, error) {
	if err := checkEditable(k); err != nil {
		return Key{}, err
	}
	switch {
	case until.IsZero() && k.LicenceUntil.IsZero():
		return Key{}, refuse("key %s has no licence to clear", k.Serial)
	case until.Equal(k.LicenceUntil):
		return Key{}, refuse("key %s already has its licence until %s", k.Serial, FormatLicenceDate(until))
	}
	next := k.Clone()
	next.LicenceUntil, next.UpdatedAt = until.UTC(), now
	return next, nil
}

// SetKeyRFID gives k another RFID ("" clears it). Whether another key
// has it already is the store's to say.
func SetKeyRFID(k Key, rfid string, now time.Time) (Key, error) {
	if err := checkEditable(k); err != nil {
		return Key{}, err
	}
	norm, err := NormalizeRFID(rfid)
	if err != nil {
		return Key{}, refuse("%s", err)
	}
	switch {
	case norm == "" && k.RFID == "":
		return Key{}, refuse("key %s has no RFID to clear", k.Serial)
	case norm == k.RFID:
		return Key{}, refuse("key %s already has the RFID %s", k.Serial, norm)
	}
	next := k.Clone()
	next.RFID, next.UpdatedAt = norm, now
	return next, nil
}

// LicenceNote says what a licence change did, for the audit trail:
// "licence until 2026-12-31 (was none)".
func LicenceNote(old, until time.Time) string {
	was := "none"
	if !old.IsZero() {
		was = "until " + FormatLicenceDate(old)
	}
	if until.IsZero() {
		return "licence cleared (was " + was + ")"
	}
	return "licence until " + FormatLicenceDate(until) + " (was " + was + ")"
}

// RFIDNote says what an RFID change did, for the audit trail:
// "RFID 00AB12 (was none)".
func RFIDNote(old, rfid string) string {
	word := func(s string) string {
		if s == "" {
			return "none"
		}
		return s
	}
	return fmt.Sprintf("RFID %s (was %s)", word(rfid), word(old))
}
