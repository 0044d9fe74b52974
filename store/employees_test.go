package store

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
	bolt "go.etcd.io/bbolt"
)

func TestAddEmployeeNormalizes(t *testing.T) {
	s, _ := tOpen(t)
	out, err := s.AddEmployee(tAdmin, model.EmployeeInput{FirstName: "  Jane ", LastName: "Doe ", Email: " Jane.Doe@Example.COM ",
		Phone: "+1 (555) 010-0100", Department: "IT", Position: "Engineer"}, "")
	if err != nil {
		t.Fatalf("AddEmployee: %v", err)
	}
	e := out.Employee
	if e.ID == 0 || e.FirstName != "Jane" || e.LastName != "Doe" || e.Email != "jane.doe@example.com" || e.KeyID != 0 || e.Rev != 1 || !e.CreatedAt.Equal(tStart) {
		t.Errorf("stored %+v", e)
	}
	if out.Code != nil {
		t.Errorf("a code without a key: %+v", out.Code)
	}
	got, err := s.Employee("JANE.DOE@example.com")
	if err != nil || got != e {
		t.Errorf("Employee(e-mail) = %+v, %v", got, err)
	}
	audit := tAudit(t, s)
	if len(audit) != 1 {
		t.Fatalf("%d audit entries, want 1", len(audit))
	}
	if a := audit[0]; a.Action != model.ActionEmployeeCreated || a.Actor != tAdminName || a.Target != "employee jane.doe@example.com" || a.EmployeeID != e.ID || a.KeyID != 0 {
		t.Errorf("entry %+v", a)
	}
}

func TestAddEmployeeRefusals(t *testing.T) {
	s, _ := tOpen(t)
	tAddEmployee(t, s, "Jane")
	for _, tc := range []struct {
		name  string
		in    model.EmployeeInput
		field string
		want  string
	}{
		{"e-mail taken", model.EmployeeInput{FirstName: "Other", Email: "JANE@example.com"}, "email", "another employee already has the e-mail jane@example.com"},
		{"name taken, other case", model.EmployeeInput{FirstName: "jane", LastName: "TESTER", Email: "j2@example.com"}, "first_name", "an employee named jane TESTER already exists"},
		{"no first name", model.EmployeeInput{Email: "x@example.com"}, "first_name", "first name is required"},
		{"bad e-mail", model.EmployeeInput{FirstName: "X", Email: "not an address"}, "email", "is not a valid address"},
		{"control character", model.EmployeeInput{FirstName: "X\x1b[31m", Email: "x@example.com"}, "first_name", "control characters"},
		{"bad phone", model.EmployeeInput{FirstName: "X", Email: "x@example.com", Phone: "call me"}, "phone", "phone may hold only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tUnchanged(t, s, func() error { _, err := s.AddEmployee(tAdmin, tc.in, ""); return err })
			tFieldError(t, err, tc.field, tc.want)
			// The wizard's check says the same without writing.
			_, err = s.CheckNewEmployee(tc.in)
			tFieldError(t, err, tc.field, tc.want)
		})
	}
}

func TestCheckNewEmployeeWritesNothing(t *testing.T) {
	s, _ := tOpen(t)
	before := tDump(t, s)
	norm, err := s.CheckNewEmployee(model.EmployeeInput{FirstName: " Ann ", Email: "ANN@example.com"})
	if err != nil || norm.FirstName != "Ann" || norm.Email != "ann@example.com" {
		t.Errorf("CheckNewEmployee = %+v, %v", norm, err)
	}
	if after := tDump(t, s); len(after) != len(before) {
		t.Errorf("CheckNewEmployee wrote to the database")
	}
}

func TestAddEmployeeWithKey(t *testing.T) {
	s, _ := tOpen(t)
	tImportKeys(t, s, "SN-A1")
	n := len(tAudit(t, s))
	out, err := s.AddEmployee(tAdmin, tPerson("Jane"), "sn-a1")
	if err != nil {
		t.Fatalf("AddEmployee: %v", err)
	}
	k := tKey(t, s, "SN-A1")
	if out.Employee.KeyID != k.ID || tEmployee(t, s, "Jane").KeyID != k.ID {
		t.Errorf("employee KeyID %d (stored %d), want %d", out.Employee.KeyID, tEmployee(t, s, "Jane").KeyID, k.ID)
	}
	if out.Code == nil || !sixDigits.MatchString(out.Code.Digits) || out.Code.Digits != k.Code.Digits || out.Code.Employee != "Jane Tester" {
		t.Errorf("Code %+v, stored %+v", out.Code, k.Code)
	}
	if k.Status != model.Reserved || k.EmployeeID != out.Employee.ID {
		t.Errorf("key %v tied to %d", k.Status, k.EmployeeID)
	}
	audit := tAuditSince(t, s, n)
	if len(audit) != 3 || audit[0].Action != model.ActionEmployeeCreated || audit[1].Action != model.ActionKeyAssigned || audit[2].Action != model.ActionCodeShown {
		t.Errorf("audit %+v, want employee.created, key.assigned, code.shown", audit)
	}
}

func TestAddEmployeeWithUnavailableKeyStoresNothing(t *testing.T) {
	s, _ := tOpen(t)
	tKeyIn(t, s, "SN-HELD", "Holder", model.Reserved)
	for _, tc := range []struct{ serial, want string }{
		{"SN-HELD", "key SN-HELD is no longer Ready (it is Reserved): someone else took it, pick another"},
		{"SN-NONE", "there is no key with serial SN-NONE"},
	} {
		err := tUnchanged(t, s, func() error { _, err := s.AddEmployee(tAdmin, tPerson("Jane"), tc.serial); return err })
		var ku *KeyUnavailableError
		if !errors.As(err, &ku) || !IsKeyUnavailable(err) {
			t.Fatalf("err = %v (%T), want *KeyUnavailableError", err, err)
		}
		if ku.Msg != tc.want || ku.Serial != tc.serial {
			t.Errorf("KeyUnavailableError{%q, %q}, want %q", ku.Serial, ku.Msg, tc.want)
		}
	}
	if _, err := s.Employee("jane@example.com"); err == nil {
		t.Errorf("the employee was stored although the key was not assigned")
	}
}

func TestEditEmployee(t *testing.T) {
	s, clock := tOpen(t)
	tKeyIn(t, s, "SN-A1", "Jane", model.Active)
	old := tEmployee(t, s, "Jane")
	clock.Advance(time.Hour)
	n := len(tAudit(t, s))
	in := tPerson("Jane")
	in.Email, in.Phone = "Jane.New@example.com", "+1 555 0199"
	e, err := s.EditEmployee(tAdmin, EmployeeRef{Email: "jane@example.com", Rev: old.Rev}, in)
	if err != nil {
		t.Fatalf("EditEmployee: %v", err)
	}
	if e.ID != old.ID || e.Email != "jane.new@example.com" || e.Phone != "+1 555 0199" || e.KeyID != old.KeyID || e.Rev != old.Rev+1 || !e.UpdatedAt.Equal(tStart.Add(time.Hour)) {
		t.Errorf("edited %+v", e)
	}
	if _, err := s.Employee("jane@example.com"); err == nil {
		t.Errorf("the old e-mail still finds the employee")
	}
	if got, err := s.Employee("jane.new@example.com"); err != nil || got != e {
		t.Errorf("the new e-mail finds %+v, %v", got, err)
	}
	a := tOneEntry(t, s, n)
	if a.Action != model.ActionEmployeeEdited || a.Target != "employee jane.new@example.com" || a.EmployeeID != e.ID ||
		a.Note != "changed: e-mail (was jane@example.com), phone" {
		t.Errorf("entry %s %q note %q", a.Action, a.Target, a.Note)
	}
	// The old address is free for someone else.
	tAddEmployee(t, s, "Jane2")
	in2 := tPerson("Jane2")
	in2.Email = "jane@example.com"
	if _, err := s.EditEmployee(tAdmin, Email("jane2@example.com"), in2); err != nil {
		t.Errorf("taking the freed e-mail: %v", err)
	}
}

func TestEditEmployeeRenameFreesOldName(t *testing.T) {
	s, _ := tOpen(t)
	tAddEmployee(t, s, "Jane")
	in := tPerson("Jane")
	in.FirstName = "Janet"
	if _, err := s.EditEmployee(tAdmin, Email("jane@example.com"), in); err != nil {
		t.Fatalf("rename: %v", err)
	}
	if _, err := s.AddEmployee(tAdmin, model.EmployeeInput{FirstName: "Jane", LastName: "Tester", Email: "other@example.com"}, ""); err != nil {
		t.Errorf("the old name is still taken: %v", err)
	}
	_, err := s.AddEmployee(tAdmin, model.EmployeeInput{FirstName: "JANET", LastName: "tester", Email: "third@example.com"}, "")
	tFieldError(t, err, "first_name", "already exists")
}

func TestEditEmployeeRefusals(t *testing.T) {
	s, _ := tOpen(t)
	tAddEmployee(t, s, "Jane")
	tAddEmployee(t, s, "Omar")
	jane := tEmployee(t, s, "Jane")
	same := tPerson("Jane")
	same.Email = "  JANE@Example.com" // the same once normalized

	takenEmail := tPerson("Jane")
	takenEmail.Email = "omar@example.com"
	takenName := tPerson("Jane")
	takenName.FirstName = "OMAR"
	bad := tPerson("Jane")
	bad.Email = "jane"

	for _, tc := range []struct {
		name  string
		ref   EmployeeRef
		in    model.EmployeeInput
		check func(t *testing.T, err error)
	}{
		{"same values", Email("jane@example.com"), same, func(t *testing.T, err error) {
			tRefusedWith(t, err, "nothing to change for Jane Tester")
		}},
		{"stale revision", EmployeeRef{Email: "jane@example.com", Rev: jane.Rev + 1}, tPerson("Jane"), func(t *testing.T, err error) {
			tRefusedWith(t, err, "Jane Tester was changed while you were looking: look again before acting")
		}},
		{"not found", Email("nobody@example.com"), tPerson("Jane"), func(t *testing.T, err error) {
			tRefusedWith(t, err, "there is no employee with e-mail nobody@example.com")
		}},
		{"e-mail taken", Email("jane@example.com"), takenEmail, func(t *testing.T, err error) {
			tFieldError(t, err, "email", "another employee already has the e-mail omar@example.com")
		}},
		{"name taken", Email("jane@example.com"), takenName, func(t *testing.T, err error) {
			tFieldError(t, err, "first_name", "already exists")
		}},
		{"invalid", Email("jane@example.com"), bad, func(t *testing.T, err error) {
			tFieldError(t, err, "email", "not a valid address")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.check(t, tUnchanged(t, s, func() error { _, err := s.EditEmployee(tAdmin, tc.ref, tc.in); return err }))
		})
	}
}

func TestDeleteEmployee(t *testing.T) {
	s, _ := tOpen(t)
	jane := tAddEmployee(t, s, "Jane")
	n := len(tAudit(t, s))
	if err := s.DeleteEmployee(tAdmin, EmployeeRef{Email: "jane@example.com", Rev: jane.Rev}); err != nil {
		t.Fatalf("DeleteEmployee: %v", err)
	}
	if _, err := s.Employee("jane@example.com"); !model.IsRefusal(err) {
		t.Errorf("deleted employee still found: %v", err)
	}
	if err := s.view(func(tx *bolt.Tx) error { _, err := employeeByID(tx, jane.ID); return err }); !model.IsRefusal(err) {
		t.Errorf("deleted employee still found by id: %v", err)
	}
	a := tOneEntry(t, s, n)
	if a.Action != model.ActionEmployeeDeleted || a.Note != "Jane Tester" || a.EmployeeID != jane.ID || a.Target != "employee jane@example.com" {
		t.Errorf("entry %+v", a)
	}
	// Both unique indexes let go: the same person can be created again.
	again := tAddEmployee(t, s, "Jane")
	if again.ID == jane.ID {
		t.Errorf("a new employee reused id %d", jane.ID)
	}
	// The deleted employee's history stays.
	if h, err := s.EmployeeHistory(jane.ID); err != nil || len(h) != 2 {
		t.Errorf("history of the deleted employee: %d entries, %v", len(h), err)
	}
}

func TestDeleteEmployeeHoldingKeyRefused(t *testing.T) {
	for _, st := range []model.Status{model.Reserved, model.Active, model.Locked, model.Suspended} {
		t.Run(st.String(), func(t *testing.T) {
			s, _ := tOpen(t)
			tKeyIn(t, s, "SN-A1", "Jane", st)
			err := tUnchanged(t, s, func() error { return s.DeleteEmployee(tAdmin, Email("jane@example.com")) })
			tRefusedWith(t, err, "Jane Tester holds key SN-A1 ("+st.String()+"): remove the key first")
		})
	}
	// Once the key is removed, the employee can go.
	s, _ := tOpen(t)
	tKeyIn(t, s, "SN-A1", "Jane", model.Active)
	if _, err := s.RemoveKey(tAdmin, Serial("SN-A1"), model.Withdrawal, ""); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteEmployee(tAdmin, Email("jane@example.com")); err != nil {
		t.Errorf("delete after removing the key: %v", err)
	}
}

func TestDeleteEmployeeRefusals(t *testing.T) {
	s, _ := tOpen(t)
	jane := tAddEmployee(t, s, "Jane")
	err := tUnchanged(t, s, func() error {
		return s.DeleteEmployee(tAdmin, EmployeeRef{Email: "jane@example.com", Rev: jane.Rev + 1})
	})
	tRefusedWith(t, err, "changed while you were looking")
	err = tUnchanged(t, s, func() error { return s.DeleteEmployee(tAdmin, Email("nobody@example.com")) })
	tRefusedWith(t, err, "there is no employee with e-mail nobody@example.com")
	err = tUnchanged(t, s, func() error { return s.DeleteEmployee(tAdmin, Email("not an address")) })
	tRefusedWith(t, err, "is not a valid address")
}

func TestHistoriesNewestFirst(t *testing.T) {
	s, _ := tOpen(t)
	// Interleave two keys and two employees so that each history must pick
	// its own entries; the last key and employee have the highest ids.
	tImportKeys(t, s, "SN-A1", "SN-B2")
	tAddEmployee(t, s, "Jane")
	tAddEmployee(t, s, "Omar")
	codeA, _ := s.AssignKey(tAdmin, Serial("SN-A1"), "jane@example.com")
	codeB, _ := s.AssignKey(tAdmin, Serial("SN-B2"), "omar@example.com")
	if _, err := s.DeviceEnterCode(tAdmin, "SN-B2", codeB.Digits); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeviceEnterCode(tAdmin, "SN-A1", codeA.Digits); err != nil {
		t.Fatal(err)
	}
	actions := func(h []model.AuditEntry, err error) string {
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range h {
			out = append(out, string(e.Action))
		}
		return strings.Join(out, " ")
	}
	a, b := tKey(t, s, "SN-A1"), tKey(t, s, "SN-B2")
	jane, omar := tEmployee(t, s, "Jane"), tEmployee(t, s, "Omar")
	for _, tc := range []struct{ name, got, want string }{
		{"key A", actions(s.KeyHistory(a.ID)), "key.activated code.shown key.assigned key.imported"},
		{"key B", actions(s.KeyHistory(b.ID)), "key.activated code.shown key.assigned key.imported"},
		{"Jane", actions(s.EmployeeHistory(jane.ID)), "key.activated code.shown key.assigned employee.created"},
		{"Omar", actions(s.EmployeeHistory(omar.ID)), "key.activated code.shown key.assigned employee.created"},
		{"no such key", actions(s.KeyHistory(99)), ""},
		{"key 0", actions(s.KeyHistory(0)), ""},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: history %q, want %q", tc.name, tc.got, tc.want)
		}
	}
	newest, _, err := s.AuditOlder(0, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(newest) != 2 || newest[0].Action != model.ActionKeyActivated || newest[1].Action != model.ActionKeyActivated {
		t.Errorf("AuditOlder(0, 2) gave %v, want the two activations", newest)
	}
}

func TestWatchSignalsCommittedChangesOnly(t *testing.T) {
	s, _ := tOpen(t)
	ch, stop := s.Watch()
	pending := func() bool {
		select {
		case <-ch:
			return true
		default:
			return false
		}
	}
	if _, err := s.AssignKey(tAdmin, Serial("SN-NONE"), "x@example.com"); err == nil {
		t.Fatal("refusal expected")
	}
	if pending() {
		t.Errorf("a refused operation signalled a change")
	}
	tAddEmployee(t, s, "Jane")
	tAddEmployee(t, s, "Omar")
	if !pending() {
		t.Errorf("no signal after a change")
	}
	if pending() {
		t.Errorf("two changes gave two signals; they should coalesce into one")
	}
	stop()
	tAddEmployee(t, s, "Lena")
	if pending() {
		t.Errorf("signal after stop")
	}
}

func TestRecordCodeEmail(t *testing.T) {
	s, _ := tOpen(t)
	code := tKeyIn(t, s, "SN-A1", "Jane", model.Reserved)
	n := len(tAudit(t, s))
	if err := s.RecordCodeEmail(tAdmin, "SN-A1", "jane@example.com", nil); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordCodeEmail(tAdmin, "SN-A1", "jane@example.com", errors.New("connection refused")); err != nil {
		t.Fatal(err)
	}
	got := tAuditSince(t, s, n)
	if len(got) != 2 || got[0].Action != model.ActionCodeEmailed || got[0].Note != "sent to jane@example.com" ||
		got[1].Action != model.ActionCodeEmailFailed || got[1].Note != "to jane@example.com: connection refused" {
		t.Errorf("entries %+v", got)
	}
	for _, e := range got {
		if strings.Contains(e.Note+e.Target, code) {
			t.Errorf("entry holds the code: %+v", e)
		}
	}
	err := tUnchanged(t, s, func() error { return s.RecordCodeEmail(tAdmin, "SN-NONE", "x@example.com", nil) })
	tRefusedWith(t, err, "there is no key with serial SN-NONE")
}
