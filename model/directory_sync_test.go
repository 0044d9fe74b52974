package model_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
)

func tPersonIn(ext, first, last, email string) model.EmployeeInput {
	return model.EmployeeInput{ExternalID: ext, FirstName: first, LastName: last, Email: email}
}

func TestPlanSync(t *testing.T) {
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	grace := 72 * time.Hour
	employees := []model.Employee{
		{ID: 1, ExternalID: "u1", FirstName: "Ann", LastName: "Lee", Email: "ann@example.com", KeyID: 11},             // unchanged
		{ID: 2, ExternalID: "u2", FirstName: "Bob", LastName: "Day", Email: "bob@example.com"},                        // renamed
		{ID: 3, ExternalID: "u3", FirstName: "Cy", LastName: "Young", Email: "cy@example.com"},                        // new e-mail
		{ID: 4, ExternalID: "u4", FirstName: "Dee", LastName: "Park", Email: "dee@example.com", KeyID: 14},            // leaver with key
		{ID: 5, FirstName: "Eve", LastName: "Stone", Email: "eve@example.com"},                                        // typed in, adopted by e-mail
		{ID: 6, FirstName: "Fay", LastName: "Typed", Email: "fay@example.com"},                                        // typed in, not listed: kept
		{ID: 7, ExternalID: "u7", FirstName: "Gus", Email: "gus@example.com", LeftAt: now.Add(-time.Hour), KeyID: 17}, // left, found again
		{ID: 8, ExternalID: "u8", FirstName: "Hal", Email: "hal@example.com", LeftAt: now.Add(-100 * time.Hour), KeyID: 18},
	}
	people := []model.EmployeeInput{
		tPersonIn("u1", "Ann", "Lee", "ann@example.com"),
		tPersonIn("u2", "Bob", "Dayton", "bob@example.com"),
		tPersonIn("u3", "Cy", "Young", "cy.young@example.com"),
		tPersonIn("u5", "Eve", "Stone", "eve@example.com"),
		tPersonIn("u7", "Gus", "", "gus@example.com"),
		tPersonIn("u9", "Ivy", "New", "ivy@example.com"),
		tPersonIn("u10", "Fay", "Typed", "fay2@example.com"), // a name taken by someone else
	}
	plan, err := model.PlanSync(people, employees, model.SyncLastName, grace, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Joiners) != 1 || plan.Joiners[0].Email != "ivy@example.com" {
		t.Errorf("joiners %+v", plan.Joiners)
	}
	movers := map[uint64]string{}
	for _, m := range plan.Movers {
		movers[m.Employee.ID] = strings.Join(m.Fields, ",")
		if m.Returning != (m.Employee.ID == 7) {
			t.Errorf("mover %d returning %v", m.Employee.ID, m.Returning)
		}
	}
	want := map[uint64]string{2: "last name", 3: "e-mail", 5: "external id", 7: ""}
	if len(movers) != len(want) {
		t.Errorf("movers %v, want %v", movers, want)
	}
	for id, f := range want {
		if movers[id] != f {
			t.Errorf("mover %d: %q, want %q", id, movers[id], f)
		}
	}
	if len(plan.Leavers) != 1 || plan.Leavers[0].ID != 4 {
		t.Errorf("leavers %+v", plan.Leavers)
	}
	if len(plan.Withdrawals) != 1 || plan.Withdrawals[0].Employee.ID != 8 {
		t.Errorf("withdrawals now %+v", plan.Withdrawals)
	}
	if len(plan.Pending) != 1 || plan.Pending[0].Employee.ID != 4 || !plan.Pending[0].Due.Equal(now.Add(grace)) {
		t.Errorf("pending %+v", plan.Pending)
	}
	if len(plan.Conflicts) != 1 || !strings.Contains(plan.Conflicts[0].Msg, "Fay Typed") {
		t.Errorf("conflicts %+v", plan.Conflicts)
	}
	if plan.Unchanged != 1 || plan.Active != 6 || plan.Returners() != 1 {
		t.Errorf("unchanged %d active %d returners %d", plan.Unchanged, plan.Active, plan.Returners())
	}
	if got := model.PendingLine(plan.Pending, now.Add(24*time.Hour)); got != "1 leaver: key withdrawn in 2 days" {
		t.Errorf("pending line %q", got)
	}

	// Grace 0: the leaver's key goes at once.
	plan, _ = model.PlanSync(people, employees, model.SyncLastName, 0, now)
	if len(plan.Withdrawals) != 2 || len(plan.Pending) != 0 {
		t.Errorf("grace 0: %d now, %d pending", len(plan.Withdrawals), len(plan.Pending))
	}

	// The same person twice: the source answers wrongly.
	_, err = model.PlanSync(append(people, tPersonIn("u1", "Ann", "Other", "ann2@example.com")), employees, 0, grace, now)
	var se *model.SourceError
	if !errors.As(err, &se) {
		t.Errorf("a listed twice: %v", err)
	}
}

func TestCheckSync(t *testing.T) {
	policy := model.SyncPolicy{MaxLeaverPercent: 10, MinEntries: 5}
	leavers := func(n int) []model.Employee { return make([]model.Employee, n) }
	for _, c := range []struct {
		name    string
		plan    model.SyncPlan
		confirm int
		ok      bool
	}{
		{"empty", model.SyncPlan{Entries: 0, Active: 10}, 0, false},
		{"below floor", model.SyncPlan{Entries: 4, Active: 4}, 0, false},
		{"10% is fine", model.SyncPlan{Entries: 90, Active: 100, Leavers: leavers(10)}, 0, true},
		{"11% refused", model.SyncPlan{Entries: 89, Active: 100, Leavers: leavers(11)}, 0, false},
		{"11% confirmed", model.SyncPlan{Entries: 89, Active: 100, Leavers: leavers(11)}, 11, true},
		{"11% confirmed wrong", model.SyncPlan{Entries: 89, Active: 100, Leavers: leavers(11)}, 12, false},
		{"a confirmation that does not match", model.SyncPlan{Entries: 99, Active: 100, Leavers: leavers(1)}, 3, false},
	} {
		err := c.plan.CheckSync(policy, c.confirm)
		if (err == nil) != c.ok {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}
