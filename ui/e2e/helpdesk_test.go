package e2e

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// A helpdesk person, added with `keydesk admin add`, logs in over
// OpenSSH with `ssh -t`: the session starts on the call screen, finds a
// caller by typing, and reads the code off the screen; the code
// activates the caller's key. The same session is never offered marking
// an Active key compromised, and its key does nothing there.
func TestHelpdeskCallOverOpenSSH(t *testing.T) {
	requireTools(t, "tmux", "ssh", "ssh-keygen")
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "keydesk.db")
	mustSucceed(t, keydesk(t, "--db", db, "demo", "--keys", "12", "--employees", "8"))
	keys := decodeExport[keyRecord](t, "keys", mustSucceed(t, keydesk(t, "--db", db, "export", "keys")))
	employees := decodeExport[employeeRecord](t, "employees", mustSucceed(t, keydesk(t, "--db", db, "export", "employees")))
	caller, callerKey := employeeWithKeyIn(keys, employees, "Reserved", "Suspended")
	active := keysWithStatus(keys, "Active")
	if caller == nil || len(active) == 0 {
		t.Fatalf("the demo has no employee holding a Reserved or Suspended key, or no Active key")
	}
	callerName := caller.FirstName + " " + caller.LastName

	alice, helen := newSSHIdentity(t, dir, "alice"), newSSHIdentity(t, dir, "helen")
	authorize(t, dir, alice) // the bootstrap admin
	mustSucceed(t, keydesk(t, "--db", db, "admin", "add", "helen", "--role", "helpdesk", "--key", helen.publicKey))
	srv := startServe(t, db, dir)
	admin := sshClient{host: srv.host, port: srv.port, identity: alice.path}
	desk := sshClient{host: srv.host, port: srv.port, identity: helen.path}

	s := startScreenOf(t, "helen", "TERM=xterm-256color NO_COLOR=1 "+shellLine(append([]string{"ssh", "-t"}, desk.args()...)...))
	s.waitFor("helen's session on the call screen", showsAll("0 Call", "helen · helpdesk", "find the caller"))
	s.typeText(caller.LastName)
	s.waitFor("the search to find "+callerName, func(screen string) bool {
		return lineWithAll(screen, callerName, callerKey) != ""
	})
	s.send("Enter")
	s.waitFor(callerName+"'s key on the call screen", showsAll("Call  "+callerName, callerKey, "wrong entries left", "press c to show it"))
	s.send("c")
	screen := s.waitFor("the code on the call screen", func(screen string) bool { return boxedCode(screen) != "" })
	code := boxedCode(screen)
	if !strings.Contains(screen, "Call  "+callerName) || !spelledOut(code).MatchString(screen) {
		t.Fatalf("the code %s is not shown for reading aloud on %s's call:\n%s", code, callerName, screen)
	}

	activated := admin.run(t, "device", "activate", callerKey, code)
	if mustSucceed(t, activated); !strings.Contains(activated.stderr, "Active") {
		t.Fatalf("device activate %s %s said %q, want the key Active", callerKey, code, activated.stderr)
	}
	s.waitFor("the call screen to see the key activated without a key pressed", showsAll(callerKey+"  Active", "✓ activated: key "+callerKey+" is Active"))

	audit := decodeExport[auditRecord](t, "audit", mustSucceed(t, admin.run(t, "export", "audit")))
	shownByHelen := slices.ContainsFunc(audit, func(e auditRecord) bool {
		return e.Action == "code.shown" && strings.Contains(e.Target, callerKey) && e.Actor == "helen (helpdesk, "+helen.fingerprint+")"
	})
	if !shownByHelen {
		t.Errorf("no code.shown entry for %s by helen (helpdesk, %s)", callerKey, helen.fingerprint)
	}

	// An Active key's page: suspend, never compromise; X does nothing.
	serial := active[0]
	// esc goes back to the call's search line, which takes digits as
	// typing; tab leaves it for the next screen, where 2 opens Keys. (tmux
	// writes the three keys at once: they act as typed one by one.)
	s.send("Escape", "Tab", "2")
	s.waitFor("the Keys screen", func(screen string) bool { return lineWithAll(screen, serial, "Active") != "" })
	s.send("/")
	s.typeText(serial)
	s.send("Enter", "Enter")
	page := s.waitFor("the page of "+serial, func(screen string) bool {
		return strings.Contains(screen, "Key "+serial) && strings.Contains(fieldLine(screen, "Actions"), "s suspend")
	})
	if strings.Contains(page, "compromised") || strings.Contains(page, "R remove") {
		t.Fatalf("a helpdesk session is offered remove or compromise on an Active key:\n%s", page)
	}
	s.send("X")
	s.send("?") // a key after X: once its answer is on screen, X's would be too
	s.waitFor("the help", showsAll("Keys of the Keys screen"))
	if screen := s.capture(); strings.Contains(screen, "Mark key") || strings.Contains(screen, "X compromised") {
		t.Fatalf("X opened something, or the help offers it:\n%s", screen)
	}
	s.send("q", "q")
	if status := s.waitExit(); status != 0 {
		t.Errorf("ssh exited %d after q, want 0", status)
	}
	keys = decodeExport[keyRecord](t, "keys", mustSucceed(t, admin.run(t, "export", "keys")))
	if k := findKey(t, keys, serial); k.Status != "Active" {
		t.Errorf("key %s is %s after the helpdesk session, want Active", serial, k.Status)
	}
}

// employeeWithKeyIn is an employee holding a key in one of the statuses,
// with that key's serial.
func employeeWithKeyIn(keys []keyRecord, employees []employeeRecord, statuses ...string) (*employeeRecord, string) {
	for _, k := range keys {
		if !slices.Contains(statuses, k.Status) {
			continue
		}
		for i := range employees {
			if employees[i].Email == k.EmployeeEmail {
				return &employees[i], k.Serial
			}
		}
	}
	return nil, ""
}

// boxedCode is the grouped code inside the code's box ("║ 482 913"): a
// phone number elsewhere on the screen may look like one.
func boxedCode(screen string) string {
	for _, line := range strings.Split(screen, "\n") {
		if strings.Contains(line, "║") {
			if c := codeOnScreen(line); c != "" {
				return c
			}
		}
	}
	return ""
}
