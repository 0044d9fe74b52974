package e2e

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// An admin creates an employee with the wizard in the terminal UI, reads
// the activation code off the screen, and that code activates the key.
func TestWizardCodeActivatesFromTheScreen(t *testing.T) {
	requireTools(t, "tmux")
	t.Parallel()
	db := filepath.Join(t.TempDir(), "keydesk.db")
	mustSucceed(t, keydesk(t, "--db", db, "demo", "--keys", "20", "--employees", "10"))
	keys := decodeExport[keyRecord](t, "keys", mustSucceed(t, keydesk(t, "--db", db, "export", "keys")))
	ready := keysWithStatus(keys, "Ready")
	slices.Sort(ready) // as the wizard lists them
	if len(ready) < 2 {
		t.Fatalf("the demo has %d Ready keys, want at least 2", len(ready))
	}
	// The last Ready key is not on the Key page until the search finds it.
	firstReady, picked := ready[0], ready[len(ready)-1]
	employees := decodeExport[employeeRecord](t, "employees", mustSucceed(t, keydesk(t, "--db", db, "export", "employees")))
	someone := employees[0].FirstName + " " + employees[0].LastName
	const first, last, email = "Ada", "Lovelace", "ada.lovelace@example.com"

	s := startScreen(t, "TERM=xterm-256color NO_COLOR=1 "+shellLine(keydeskBin, "--db", db))
	s.waitFor("the Employees screen", showsAll("Employees", someone))

	s.send("n")
	s.waitFor("the wizard's Profile page", showsAll("First name", "E-mail"))
	s.typeText(first)
	s.send("Enter")
	s.typeText(last)
	s.send("Enter")
	s.typeText(email)
	// Phone, department, position and company are optional: enter leaves
	// each one empty, and on the last one finishes the page.
	s.send("Enter", "Enter", "Enter", "Enter", "Enter")

	s.waitFor("the Key page listing the Ready keys", showsAll(first+" "+last, firstReady))
	s.typeText(picked)
	s.waitFor("the search to narrow the list to "+picked, func(screen string) bool {
		return strings.Contains(screen, picked) && !strings.Contains(screen, firstReady)
	})
	s.send("Enter")
	// Only the Review page shows both the e-mail and the key.
	s.waitFor("the Review page with key "+picked, showsAll(email, picked))

	s.send("Enter")
	result := s.waitFor("the activation code", func(screen string) bool {
		return strings.Contains(screen, "Activation code") && codeOnScreen(screen) != ""
	})
	code := codeOnScreen(result)
	if !spelledOut(code).MatchString(result) {
		t.Errorf("the code %s is not spelled out in words on the screen:\n%s", code, result)
	}
	if !strings.Contains(result, picked) {
		t.Errorf("the code's screen does not name the key %s:\n%s", picked, result)
	}

	s.send("Enter")
	s.waitFor("the Employees screen with "+first+" "+last, func(screen string) bool {
		return strings.Contains(screen, first+" "+last) && !strings.Contains(screen, "Activation code")
	})
	s.send("q")
	if status := s.waitExit(); status != 0 {
		t.Fatalf("keydesk exited with status %d after q, want 0", status)
	}

	// The new status is a confirmation: on stderr.
	if r := keydesk(t, "--db", db, "device", "activate", picked, code); r.code != 0 || !strings.Contains(r.stderr, "Active") {
		t.Errorf("device activate: exit %d, stderr %q, want it to say the key is Active", r.code, r.stderr)
	}
	keys = decodeExport[keyRecord](t, "keys", mustSucceed(t, keydesk(t, "--db", db, "export", "keys")))
	if k := findKey(t, keys, picked); k.Status != "Active" || k.EmployeeEmail != email {
		t.Errorf("key %s is %s for %q, want Active for %s", picked, k.Status, k.EmployeeEmail, email)
	}
	employees = decodeExport[employeeRecord](t, "employees", mustSucceed(t, keydesk(t, "--db", db, "export", "employees")))
	i := slices.IndexFunc(employees, func(e employeeRecord) bool { return e.Email == email })
	if i < 0 {
		t.Fatalf("no employee %s in the export", email)
	}
	if e := employees[i]; e.FirstName != first || e.LastName != last || e.KeySerial != picked {
		t.Errorf("employee %s is %q %q with key %q, want %s %s with key %s",
			email, e.FirstName, e.LastName, e.KeySerial, first, last, picked)
	}
}
