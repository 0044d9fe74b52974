package ui

import (
	"testing"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
)

// tCompanies is the fixture with companies: two at Contoso (one written
// in other letter case), one at Fabrikam, the rest with none.
func tCompanies(t *testing.T) *store.Store {
	t.Helper()
	st := tFixtureStore(t)
	for email, company := range map[string]string{"ada@example.com": "Contoso", "alan@example.com": "CONTOSO", "grace@example.com": "Fabrikam"} {
		e, err := st.Employee(email)
		if err != nil {
			t.Fatal(err)
		}
		in := model.EmployeeInput{FirstName: e.FirstName, LastName: e.LastName, Email: e.Email, Phone: e.Phone,
			Department: e.Department, Position: e.Position, Company: company}
		if _, err := st.EditEmployee(tActor, store.Email(email), in); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

// f on the Employees list keeps one company or one department, and both
// together; "everyone" drops the filter.
func TestEmployeesFilterByCompanyAndDepartment(t *testing.T) {
	d := newDriver(t, tCompanies(t), 100, 30)
	d.mustSee("7 of 7 · no filter · sorted by name", "Company", "Contoso", "Fabrikam")
	d.press("f")
	d.mustSee("Show the employees of…", "everyone", "company", "Contoso", "department", "Engineering", "Research")
	d.press("contoso", "enter")
	d.mustSee("2 of 7 · filter: company Contoso · esc clears it · sorted by name", "Ada Lovelace", "Alan Turing")
	d.mustNotSee("Grace Hopper", "Barbara Liskov")
	d.press("f", "research", "enter")
	d.mustSee("1 of 7 · filter: company Contoso + department Research · esc clears it", "Alan Turing")
	d.mustNotSee("Ada Lovelace")
	// A search narrows the filtered list further.
	d.press("/", "ada", "enter")
	d.mustSee("0 of 7", "the filter (company Contoso + department Research) hides the others")
	d.press("esc")
	d.press("f", "(no filter)")
	d.mustSee("everyone")
	d.press("enter")
	d.mustSee("7 of 7 · no filter · sorted by name")
	// Those with no company, as a choice of their own.
	d.press("f", "company", "down", "down")
	d.press("enter")
	d.mustSee("4 of 7 · filter: no company", "Barbara Liskov")
	d.mustNotSee("Ada Lovelace")
	d.press("esc") // one esc clears the filter
	d.mustSee("7 of 7 · no filter")
}

// The picker lists each company once, whatever its case, with how many.
func TestEmployeesFilterCountsEachCompanyOnce(t *testing.T) {
	d := newDriver(t, tCompanies(t), 100, 30)
	d.press("f", "company")
	d.mustSee("3 choices", "Contoso", "Fabrikam", "(none)")
	d.mustNotSee("CONTOSO")
}
