package model

import (
	"fmt"
	"strings"
	"time"
)

// LicenceStatus is where a key's licence stands today. It is derived from
// the licence's end date and the clock, never stored: it changes at
// midnight UTC without anything being written.
type LicenceStatus uint8

const (
	LicenceNone     LicenceStatus = iota // no end date
	LicenceValid                         // more than 90 days left
	LicenceWarning                       // 31 to 90 days left
	LicenceCritical                      // 1 to 30 days left
	LicenceExpired                       // none left
)

// LicenceStatuses lists every licence status in the order screens show
// them.
var LicenceStatuses = []LicenceStatus{LicenceNone, LicenceValid, LicenceWarning, LicenceCritical, LicenceExpired}

var licenceNames = [...]string{"none", "valid", "warning", "critical", "expired"}

func (l LicenceStatus) String() string {
	if int(l) < len(licenceNames) {
		return licenceNames[l]
	}
	return fmt.Sprintf("LicenceStatus(%d)", uint8(l))
}

// The thresholds of SPEC 10, in days left.
const (
	licenceWarningDays  = 90
	licenceCriticalDays = 30
)

// LicenceDaysLeft is how many days a licence ending on until has left at
// now: until's date minus today's date, both in UTC, so that the answer
// is the same all day long and for every admin's time zone. On the end
// date itself none are left.
func LicenceDaysLeft(until, now time.Time) int {
	return LicenceDay(until) - LicenceDay(now)
}

// LicenceDay numbers t's UTC date: days since 1970-01-01. A difference of
// two is an exact count of days (UTC has no daylight saving).
func LicenceDay(t time.Time) int {
	y, m, d := t.UTC().Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// LicenceDate is the UTC midnight of a day number of LicenceDay.
func LicenceDate(day int) time.Time {
	return time.Unix(int64(day)*86400, 0).UTC()
}

// LicenceStatusOf derives the status of a licence ending on until (zero:
// none) at now.
func LicenceStatusOf(until, now time.Time) LicenceStatus {
	if until.IsZero() {
		return LicenceNone
	}
	return LicenceStatusForDays(LicenceDaysLeft(until, now))
}

// LicenceStatusForDays is the status of a licence with left days left.
func LicenceStatusForDays(left int) LicenceStatus {
	switch {
	case left > licenceWarningDays:
		return LicenceValid
	case left > licenceCriticalDays:
		return LicenceWarning
	case left > 0:
		return LicenceCritical
	}
	return LicenceExpired
}

// The range of end dates an admin may give: earlier or later is a typo.
var (
	firstLicenceDate = time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)
	lastLicenceDate  = time.Date(2099, time.December, 31, 0, 0, 0, 0, time.UTC)
)

// ParseLicenceDate reads an end date as YYYY-MM-DD (a real day of a year
// from 2000 to 2099) and returns its UTC midnight.
func ParseLicenceDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("licence end date %q is not a date like 2026-12-31 (YYYY-MM-DD)", Printable(s))
	}
	if t.Before(firstLicenceDate) || t.After(lastLicenceDate) {
		return time.Time{}, fmt.Errorf("licence end date %s is not between 2000-01-01 and 2099-12-31", s)
	}
	return t, nil
}

// FormatLicenceDate writes an end date as YYYY-MM-DD; "" for none.
func FormatLicenceDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}
