package data

import (
	"slices"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
)

// tLicences is a snapshot with keys in every licence status at its At,
// profiles (one change pending, one to a profile deleted since) and
// companies.
func tLicences() store.Snapshot {
	at := time.Date(2025, 3, 14, 23, 59, 0, 0, time.UTC)
	day := func(left int) time.Time { return model.LicenceDate(model.LicenceDay(at) + left) }
	return store.Snapshot{
		At: at,
		Profiles: []store.ProfileUse{
			{Profile: model.Profile{ID: 1, Name: "Default", ProfileRules: model.DefaultRules}, Keys: 3},
			{Profile: model.Profile{ID: 3, Name: "Strict\x1b[2J", ProfileRules: model.ProfileRules{WrongPINLimit: 5}}, Keys: 2},
		},
		Keys: []model.Key{
			{ID: 1, Serial: "K1", Status: model.Active, ProfileID: 1, AppliedProfileID: 1, LicenceUntil: day(91)},
			{ID: 2, Serial: "K2", Status: model.Ready, ProfileID: 3, AppliedProfileID: 1, LicenceUntil: day(90)},
			{ID: 3, Serial: "K3", Status: model.Ready, ProfileID: 3, AppliedProfileID: 3, LicenceUntil: day(30)},
			{ID: 4, Serial: "K4", Status: model.Ready, ProfileID: 1, AppliedProfileID: 9, LicenceUntil: day(0)},
			{ID: 5, Serial: "K5", Status: model.Ready, ProfileID: 1, AppliedProfileID: 1},
			{ID: 6, Serial: "K6", Status: model.Ready, ProfileID: 1, AppliedProfileID: 1, LicenceUntil: day(-400)},
		},
		Employees: []model.Employee{
			{ID: 1, FirstName: "A", Email: "a@x.org", Company: "Contoso", Department: "IT"},
			{ID: 2, FirstName: "B", Email: "b@x.org", Company: "contoso", Department: "Sales"},
			{ID: 3, FirstName: "C", Email: "c@x.org", Department: "it"},
			{ID: 4, FirstName: "D", Email: "d@x.org", Company: "Fabrikam"},
		},
	}
}

func TestKeyRowsCarryTheirLicenceAtTheSnapshotsMoment(t *testing.T) {
	x := Build(tLicences())
	for serial, want := range map[string]struct {
		status model.LicenceStatus
		left   int
	}{
		"K1": {model.LicenceValid, 91}, "K2": {model.LicenceWarning, 90}, "K3": {model.LicenceCritical, 30},
		"K4": {model.LicenceExpired, 0}, "K5": {model.LicenceNone, 0}, "K6": {model.LicenceExpired, -400},
	} {
		k, _ := x.KeyBySerial(serial)
		if k.Licence() != want.status || (want.status != model.LicenceNone && k.LicenceDaysLeft() != want.left) {
			t.Errorf("%s: %s, %d days left; want %s, %d", serial, k.Licence(), k.LicenceDaysLeft(), want.status, want.left)
		}
	}
	for l, want := range map[model.LicenceStatus]int{model.LicenceNone: 1, model.LicenceValid: 1, model.LicenceWarning: 1,
		model.LicenceCritical: 1, model.LicenceExpired: 2} {
		if got := x.LicenceCount(l); got != want {
			t.Errorf("LicenceCount(%s) = %d, want %d", l, got, want)
		}
	}
}

func TestKeyRowsNameTheirProfile(t *testing.T) {
	x := Build(tLicences())
	k2, _ := x.KeyBySerial("K2")
	if k2.ProfileName() != "Strict␛[2J" || !k2.ProfilePending() || k2.AppliedProfileName() != "Default" || k2.Profile().WrongPINLimit != 5 {
		t.Errorf("K2: %q pending %v applied %q", k2.ProfileName(), k2.ProfilePending(), k2.AppliedProfileName())
	}
	k4, _ := x.KeyBySerial("K4")
	if !k4.ProfilePending() || k4.AppliedProfileName() != "" || k4.ProfileName() != "Default" {
		t.Errorf("K4 (its device's profile deleted): pending %v applied %q", k4.ProfilePending(), k4.AppliedProfileName())
	}
	if k1, _ := x.KeyBySerial("K1"); k1.ProfilePending() || !k1.ProfileChangeable() {
		t.Errorf("K1: pending %v, changeable %v", k1.ProfilePending(), k1.ProfileChangeable())
	}
}

func TestKeysByLicenceEndSoonestFirst(t *testing.T) {
	x := Build(tLicences())
	var got []string
	for _, i := range x.KeyOrder(KeysByLicence) {
		got = append(got, x.Keys[i].Serial())
	}
	if want := []string{"K6", "K4", "K3", "K2", "K1", "K5"}; !slices.Equal(got, want) {
		t.Errorf("by licence end: %v, want %v", got, want)
	}
}

// Companies and departments are grouped whatever their case, counted,
// by name, with the employees who have none last.
func TestEmployeeGroups(t *testing.T) {
	x := Build(tLicences())
	if got, want := x.Companies(), []Group{{"Contoso", 2}, {"Fabrikam", 1}, {"", 1}}; !slices.Equal(got, want) {
		t.Errorf("companies %v, want %v", got, want)
	}
	if got, want := x.Departments(), []Group{{"IT", 2}, {"Sales", 1}, {"", 1}}; !slices.Equal(got, want) {
		t.Errorf("departments %v, want %v", got, want)
	}
	b, _ := x.Employee(2)
	if !b.InCompany("CONTOSO") || b.InCompany("Fabrikam") || !b.InDepartment("sales") || b.Company() != "contoso" {
		t.Errorf("employee B: %q", b.Company())
	}
}

// Before the whole index, the header's licence counts are the store's.
func TestPreviewHasTheStoresLicenceCounts(t *testing.T) {
	x := Preview(store.FirstPage{Licences: map[model.LicenceStatus]int{model.LicenceCritical: 3, model.LicenceExpired: 7}})
	if x.LicenceCount(model.LicenceCritical) != 3 || x.LicenceCount(model.LicenceExpired) != 7 || x.LicenceCount(model.LicenceValid) != 0 {
		t.Errorf("preview counts: %d critical, %d expired", x.LicenceCount(model.LicenceCritical), x.LicenceCount(model.LicenceExpired))
	}
}
