package model_test

import (
	"strings"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
)

func tDate(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := model.ParseLicenceDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Days left are counted between UTC dates: the end date minus today.
// The boundaries of SPEC 10, at both ends of a day, and across a leap
// day.
func TestLicenceStatusBoundaries(t *testing.T) {
	day := func(s string) time.Time { return tDate(t, s) }
	morning := func(s string) time.Time { return day(s) }                                     // 00:00:00 UTC
	evening := func(s string) time.Time { return day(s).Add(24*time.Hour - time.Nanosecond) } // 23:59:59.999999999 UTC
	for _, tc := range []struct {
		until string
		now   time.Time
		left  int
		want  model.LicenceStatus
	}{
		{"2025-06-30", morning("2025-03-31"), 91, model.LicenceValid},
		{"2025-06-30", evening("2025-04-01"), 90, model.LicenceWarning},
		{"2025-06-30", morning("2025-04-01"), 90, model.LicenceWarning},
		{"2025-06-30", evening("2025-05-30"), 31, model.LicenceWarning},
		{"2025-06-30", morning("2025-05-31"), 30, model.LicenceCritical},
		{"2025-06-30", evening("2025-06-29"), 1, model.LicenceCritical},
		// The end date itself: none left, from its first instant.
		{"2025-06-30", morning("2025-06-30"), 0, model.LicenceExpired},
		{"2025-06-30", evening("2025-06-30"), 0, model.LicenceExpired},
		{"2025-06-30", morning("2025-07-01"), -1, model.LicenceExpired},
		{"2025-06-30", morning("2030-01-01"), -1646, model.LicenceExpired},
		// A leap year's February has 29 days; another year's, 28.
		{"2024-03-01", morning("2024-02-28"), 2, model.LicenceCritical},
		{"2025-03-01", morning("2025-02-28"), 1, model.LicenceCritical},
		{"2024-02-29", evening("2024-02-28"), 1, model.LicenceCritical},
		{"2024-02-29", morning("2024-02-29"), 0, model.LicenceExpired},
		{"2024-05-29", morning("2024-02-29"), 90, model.LicenceWarning},
		{"2024-05-30", morning("2024-02-29"), 91, model.LicenceValid},
		// Across a year end.
		{"2026-01-01", morning("2025-12-31"), 1, model.LicenceCritical},
	} {
		until := day(tc.until)
		if got := model.LicenceDaysLeft(until, tc.now); got != tc.left {
			t.Errorf("until %s at %s: %d days left, want %d", tc.until, tc.now.Format(time.RFC3339Nano), got, tc.left)
		}
		if got := model.LicenceStatusOf(until, tc.now); got != tc.want {
			t.Errorf("until %s at %s: %s, want %s", tc.until, tc.now.Format(time.RFC3339Nano), got, tc.want)
		}
	}
}

// The clock's zone does not move the day: it is the UTC date that counts,
// whatever the admin's local time says.
func TestLicenceDaysLeftInUTC(t *testing.T) {
	until := tDate(t, "2025-06-30")
	tokyo := time.FixedZone("JST", 9*3600)
	// 2025-06-30 08:00 in Tokyo is still 2025-06-29 in UTC: one day left.
	if got := model.LicenceDaysLeft(until, time.Date(2025, 6, 30, 8, 0, 0, 0, tokyo)); got != 1 {
		t.Errorf("in Tokyo before 09:00: %d days left, want 1", got)
	}
	newYork := time.FixedZone("EDT", -4*3600)
	// 2025-06-29 21:00 in New York is 2025-06-30 in UTC: none left.
	if got := model.LicenceDaysLeft(until, time.Date(2025, 6, 29, 21, 0, 0, 0, newYork)); got != 0 {
		t.Errorf("in New York after 20:00: %d days left, want 0", got)
	}
}

func TestLicenceStatusForDays(t *testing.T) {
	for left, want := range map[int]model.LicenceStatus{
		365: model.LicenceValid, 91: model.LicenceValid, 90: model.LicenceWarning, 31: model.LicenceWarning,
		30: model.LicenceCritical, 1: model.LicenceCritical, 0: model.LicenceExpired, -1: model.LicenceExpired,
	} {
		if got := model.LicenceStatusForDays(left); got != want {
			t.Errorf("%d days left: %s, want %s", left, got, want)
		}
	}
}

func TestNoLicence(t *testing.T) {
	if got := model.LicenceStatusOf(time.Time{}, tNow); got != model.LicenceNone {
		t.Errorf("no end date: %s", got)
	}
	for _, l := range model.LicenceStatuses {
		if strings.HasPrefix(l.String(), "LicenceStatus(") {
			t.Errorf("licence status %d has no word", l)
		}
	}
}

func TestParseLicenceDate(t *testing.T) {
	for _, tc := range []struct {
		in, want, refuse string
	}{
		{"2026-12-31", "2026-12-31", ""},
		{" 2026-01-01 ", "2026-01-01", ""},
		{"2024-02-29", "2024-02-29", ""},
		{"2000-01-01", "2000-01-01", ""},
		{"2099-12-31", "2099-12-31", ""},
		{"2025-02-29", "", `licence end date "2025-02-29" is not a date like 2026-12-31 (YYYY-MM-DD)`},
		{"2026-13-01", "", "is not a date"},
		{"31/12/2026", "", "is not a date"},
		{"2026-1-5", "", "is not a date"},
		{"", "", "is not a date"},
		{"1999-12-31", "", "licence end date 1999-12-31 is not between 2000-01-01 and 2099-12-31"},
		{"2100-01-01", "", "is not between"},
		{"2026-12-31\x1b[2J", "", `"2026-12-31␛[2J"`},
	} {
		got, err := model.ParseLicenceDate(tc.in)
		switch {
		case tc.refuse == "" && err != nil:
			t.Errorf("%q refused: %v", tc.in, err)
		case tc.refuse == "" && (model.FormatLicenceDate(got) != tc.want || got.Location() != time.UTC || got.Hour() != 0):
			t.Errorf("%q read as %v", tc.in, got)
		case tc.refuse != "" && (err == nil || !strings.Contains(err.Error(), tc.refuse)):
			t.Errorf("%q: %v, want %q", tc.in, err, tc.refuse)
		}
	}
	if model.FormatLicenceDate(time.Time{}) != "" {
		t.Error("no date is written as something")
	}
}

// Day numbers round-trip and subtract exactly, leap days included.
func TestLicenceDayNumbers(t *testing.T) {
	for _, s := range []string{"2000-01-01", "2024-02-29", "2024-03-01", "2099-12-31"} {
		d := tDate(t, s)
		if back := model.LicenceDate(model.LicenceDay(d)); !back.Equal(d) {
			t.Errorf("%s -> %d -> %s", s, model.LicenceDay(d), back)
		}
	}
	if n := model.LicenceDay(tDate(t, "2025-01-01")) - model.LicenceDay(tDate(t, "2024-01-01")); n != 366 {
		t.Errorf("2024 has %d days", n)
	}
}
