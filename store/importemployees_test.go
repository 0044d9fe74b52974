package store

import (
	"fmt"
	"strings"
	"testing"

	"github.com/keydesk/keydesk/model"
)

// An import whose e-mails and names fall between those already stored
// writes its index entries sorted: every employee is found by e-mail and
// by name afterwards, and a second import of the same rows is refused
// whole.
func TestImportEmployeesIndexesEveryRow(t *testing.T) {
	s, _ := tOpen(t)
	for _, first := range []string{"Mia", "Bea", "Zoe"} {
		tAddEmployee(t, s, first)
	}
	tImportKeys(t, s, "KD-1")
	var rows []EmployeeRow
	for i := 0; i < 300; i++ {
		in := model.EmployeeInput{FirstName: fmt.Sprintf("P%03d", (i*7919)%300), LastName: "Imported",
			Email: fmt.Sprintf("p%03d@example.com", (i*7919)%300)}
		row := EmployeeRow{Line: i + 2, EmployeeInput: in}
		if i == 150 {
			row.KeySerial = "KD-1"
		}
		rows = append(rows, row)
	}
	handouts, err := s.ImportEmployees(tAdmin, rows)
	if err != nil || len(handouts) != 1 {
		t.Fatalf("import: %d handouts, %v", len(handouts), err)
	}
	for _, row := range rows {
		e, err := s.Employee(row.Email)
		if err != nil || e.FirstName != row.FirstName {
			t.Fatalf("%s: %+v, %v", row.Email, e, err)
		}
		// The name index holds it too: the same name is refused.
		_, err = s.AddEmployee(tAdmin, model.EmployeeInput{FirstName: row.FirstName, LastName: "Imported", Email: "other-" + row.Email}, "")
		if err == nil || !strings.Contains(err.Error(), "already exists") {
			t.Fatalf("the same name as %s: %v", row.Email, err)
		}
	}
	if k := tKey(t, s, "KD-1"); k.Status != model.Reserved {
		t.Fatalf("KD-1 is %s", k.Status)
	}
	tUnchanged(t, s, func() error { _, err := s.ImportEmployees(tAdmin, rows[:2]); return err })
	tVerify(t, s)
}
