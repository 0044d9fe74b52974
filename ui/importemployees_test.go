package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/component/importfile"
)

// Employees are imported from their screen as keys are from theirs: `i`,
// a path, all rows or none. A key named in the file is assigned and its
// code shown once, in a box, as the command line prints it.
func TestImportEmployeesFromTheScreen(t *testing.T) {
	st := tFixtureStore(t)
	path := filepath.Join(t.TempDir(), "people.csv")
	file := "first_name,last_name,email,key\nEdsger,Dijkstra,edsger@example.com,KD-0001\nDonald,Knuth,donald@example.com,\n"
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, st, 120, 30)
	d.press("1")
	if f := d.footer(); !strings.Contains(f, "i import") {
		t.Fatalf("footer: %q", f)
	}
	d.press("i")
	d.mustSee("Import employees")
	d.press(path, "enter")
	d.mustSee("Imported 2 employees from people.csv, 1 with a key", "Hand out these activation codes", "KD-0001  edsger@example.com")
	for _, email := range []string{"edsger@example.com", "donald@example.com"} {
		if _, err := st.Employee(email); err != nil {
			t.Fatalf("%s not imported: %v", email, err)
		}
	}
	k, err := st.Key("KD-0001")
	if err != nil || k.Status != model.Reserved {
		t.Fatalf("KD-0001: %+v, %v", k, err)
	}
	d.press("esc")
	d.mustNotSee("Hand out these activation codes")
	d.reload()
	d.mustSee("9 of 9", "Edsger Dijkstra", "Donald Knuth")
}

// A refused file lists every problem of every line, and stores nothing.
func TestImportEmployeesFromTheScreenListsProblems(t *testing.T) {
	st := tFixtureStore(t)
	path := filepath.Join(t.TempDir(), "people.csv")
	file := "first_name,last_name,email,phone\nEdsger,Dijkstra,not-an-email,call me\n"
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, st, 120, 30)
	d.press("1", "i", path, "enter")
	d.mustSee("Nothing imported: 2 problems", "line 2: ", "phone may hold only digits")
	if _, err := st.Employee("edsger@example.com"); err == nil {
		t.Fatal("an employee of a refused file was stored")
	}
}

// Over SSH, `i` on Employees says how to import from the admin's machine.
func TestImportEmployeesOverSSHSaysHow(t *testing.T) {
	d := newDriverWith(t, Config{Store: tFixtureStore(t), Remote: true}, 120, 24)
	d.press("1")
	if f := d.footer(); strings.Contains(f, "import") {
		t.Fatalf("footer over SSH: %q", f)
	}
	d.press("i")
	if d.app.dialog != nil {
		t.Fatalf("i opened a dialog over SSH:\n%s", d.view())
	}
	d.mustSee(importfile.RemoteHint("employees"))
}
