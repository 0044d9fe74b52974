package store

import (
	"errors"
	"strings"
	"testing"

	"github.com/keydesk/keydesk/model"
)

// tLineProblems is the messages an *ImportError lists for one line.
func tLineProblems(t *testing.T, err error, line int) []string {
	t.Helper()
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v (%T), want *ImportError", err, err)
	}
	var msgs []string
	for _, r := range ie.Rows {
		if r.Line == line {
			msgs = append(msgs, r.Msg)
		}
	}
	return msgs
}

// tHasAll fails unless every fragment is in one of msgs.
func tHasAll(t *testing.T, msgs []string, fragments ...string) {
	t.Helper()
	all := strings.Join(msgs, "\n")
	for _, f := range fragments {
		if !strings.Contains(all, f) {
			t.Errorf("problems %q: none says %q", msgs, f)
		}
	}
	if len(msgs) != len(fragments) {
		t.Errorf("%d problems %q, want %d", len(msgs), msgs, len(fragments))
	}
}

// A keys line with a bad serial, a bad MAC, an unknown profile and a bad
// licence date lists all four, not only the first.
func TestImportKeysListsEveryProblemOfALine(t *testing.T) {
	s, _ := tOpen(t)
	tImportKeys(t, s, "KD-1")
	rows := []KeyRow{
		{Line: 2, KeyInput: model.KeyInput{Serial: "KD 2", MAC: "zz"}, Profile: "Nowhere", LicenceUntil: "soon"},
		{Line: 3, KeyInput: model.KeyInput{Serial: "KD-3"}},
		{Line: 4, KeyInput: model.KeyInput{Serial: "KD-1", RFID: "a b"}},
	}
	tUnchanged(t, s, func() error {
		_, err := s.ImportKeys(tAdmin, rows)
		tHasAll(t, tLineProblems(t, err, 2), "serial", "MAC address", "Nowhere", "soon")
		tHasAll(t, tLineProblems(t, err, 3))
		tHasAll(t, tLineProblems(t, err, 4), "RFID")
		return err
	})
}

// An employees line with a bad e-mail, a bad phone and a key that does
// not exist lists all three; a line whose fields are good lists both its
// clashes with the directory.
func TestImportEmployeesListsEveryProblemOfALine(t *testing.T) {
	s, _ := tOpen(t)
	mia := tAddEmployee(t, s, "Mia")
	rows := []EmployeeRow{
		{Line: 2, EmployeeInput: model.EmployeeInput{FirstName: "Ann", Email: "not-an-email", Phone: "call me"}, KeySerial: "KD-404"},
		{Line: 3, EmployeeInput: model.EmployeeInput{FirstName: mia.FirstName, LastName: mia.LastName, Email: mia.Email}},
	}
	tUnchanged(t, s, func() error {
		_, err := s.ImportEmployees(tAdmin, rows)
		tHasAll(t, tLineProblems(t, err, 2), "e-mail", "phone", "KD-404")
		tHasAll(t, tLineProblems(t, err, 3), "already has the e-mail", "already exists")
		return err
	})
}

// The file's own checks list every problem of a line too: its count of
// fields and each field that is too long.
func TestParseListsEveryProblemOfALine(t *testing.T) {
	long := strings.Repeat("x", 2000)
	file := "serial,model,firmware\nSN-1," + long + "," + long + ",extra\n"
	_, err := ParseKeysCSV(tCtx, strings.NewReader(file))
	tHasAll(t, tLineProblems(t, err, 2), "has 4 fields", "model is longer", "firmware is longer")
}
