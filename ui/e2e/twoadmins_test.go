package e2e

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// racer is one of two admins assigning the same key in the terminal UI
// over SSH, each to a different employee.
type racer struct {
	id       sshIdentity
	employee employeeRecord
	screen   *screen
}

func (r *racer) employeeName() string { return r.employee.FirstName + " " + r.employee.LastName }

// Alice and bob assign the same Ready key at the same moment, each in
// the terminal UI over OpenSSH: one gets the activation code, the other
// is told the key changed, and the loser's key page shows the key
// Reserved without a key pressed. The audit has one assignment, by the
// winner.
func TestTwoAdminsAssignTheSameKeyAtOnce(t *testing.T) {
	requireTools(t, "tmux", "ssh", "ssh-keygen")
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "keydesk.db")
	mustSucceed(t, keydesk(t, "--db", db, "demo", "--keys", "12", "--employees", "8"))
	keys := decodeExport[keyRecord](t, "keys", mustSucceed(t, keydesk(t, "--db", db, "export", "keys")))
	employees := decodeExport[employeeRecord](t, "employees", mustSucceed(t, keydesk(t, "--db", db, "export", "employees")))
	ready := keysWithStatus(keys, "Ready")
	var keyless []employeeRecord
	for _, e := range employees {
		if e.KeySerial == "" {
			keyless = append(keyless, e)
		}
	}
	if len(ready) < 2 || len(keyless) < 2 {
		t.Fatalf("the demo has %d Ready keys and %d employees without a key; want at least 2 of each", len(ready), len(keyless))
	}
	// The last Ready key: not under the cursor until the search finds it.
	serial, otherReady := ready[len(ready)-1], ready[:len(ready)-1]

	alice, bob := newSSHIdentity(t, dir, "alice"), newSSHIdentity(t, dir, "bob")
	authorize(t, dir, alice, bob)
	srv := startServe(t, db, dir)
	racers := []*racer{{id: alice, employee: keyless[0]}, {id: bob, employee: keyless[1]}}
	for _, r := range racers {
		c := sshClient{host: srv.host, port: srv.port, identity: r.id.path}
		r.screen = startScreenOf(t, r.id.name, "TERM=xterm-256color NO_COLOR=1 "+shellLine(append([]string{"ssh", "-tt"}, c.args()...)...))
	}
	for _, r := range racers {
		openAssignPicker(r, serial, otherReady, keyless)
	}

	// Both press enter at once: two keystrokes with nothing between.
	for _, r := range racers {
		r.screen.send("Enter")
	}

	var winner, loser *racer
	outcomes := make([]string, len(racers))
	for i, r := range racers {
		outcomes[i] = r.screen.waitFor(r.id.name+"'s activation code or refusal", func(screen string) bool {
			return showsActivationCode(screen) || refusedAsChanged(screen)
		})
		switch {
		case showsActivationCode(outcomes[i]) && !refusedAsChanged(outcomes[i]):
			winner = r
		case refusedAsChanged(outcomes[i]) && !showsActivationCode(outcomes[i]):
			loser = r
		}
	}
	if winner == nil || loser == nil {
		t.Fatalf("want one screen with the activation code and one with the refusal; alice's screen:\n%s\nbob's screen:\n%s",
			outcomes[0], outcomes[1])
	}
	t.Logf("%s won, %s was refused", winner.id.name, loser.id.name)
	if won := outcomes[slices.Index(racers, winner)]; !strings.Contains(won, winner.employeeName()) {
		t.Errorf("the activation code on %s's screen does not name %s:\n%s", winner.id.name, winner.employeeName(), won)
	}

	// The loser's key page follows the winner's change on its own: the
	// refusal stays on the footer until a key is pressed, and none is.
	loser.screen.waitFor(loser.id.name+"'s key page to show "+serial+" Reserved for "+winner.employeeName()+" without a keypress",
		func(screen string) bool {
			return refusedAsChanged(screen) &&
				strings.Contains(fieldLine(screen, "Status"), "Reserved") &&
				strings.Contains(fieldLine(screen, "Employee"), winner.employeeName())
		})

	c := sshClient{host: srv.host, port: srv.port, identity: alice.path}
	keys = decodeExport[keyRecord](t, "keys", mustSucceed(t, c.run(t, "export", "keys")))
	if k := findKey(t, keys, serial); k.Status != "Reserved" || k.EmployeeEmail != winner.employee.Email {
		t.Errorf("key %s is %s for %q, want Reserved for %s, whom %s picked", serial, k.Status, k.EmployeeEmail, winner.employee.Email, winner.id.name)
	}
	employees = decodeExport[employeeRecord](t, "employees", mustSucceed(t, c.run(t, "export", "employees")))
	for _, e := range employees {
		if e.Email == loser.employee.Email && e.KeySerial != "" {
			t.Errorf("%s, whom %s picked, holds key %s; want no key", e.Email, loser.id.name, e.KeySerial)
		}
	}
	audit := decodeExport[auditRecord](t, "audit", mustSucceed(t, c.run(t, "export", "audit")))
	var assigned []auditRecord
	for _, e := range audit {
		if e.Action == "key.assigned" && strings.Contains(e.Target, serial) {
			assigned = append(assigned, e)
		}
		if e.Actor == loser.id.actor() && strings.Contains(e.Target, serial) {
			t.Errorf("the audit has an entry about %s by %s, who was refused: %+v", serial, loser.id.name, e)
		}
	}
	if len(assigned) != 1 {
		t.Fatalf("the audit has %d key.assigned entries for %s, want 1: %+v", len(assigned), serial, assigned)
	}
	if a := assigned[0]; a.Actor != winner.id.actor() {
		t.Errorf("%s was assigned by %q, want %q, the winner", serial, a.Actor, winner.id.actor())
	}
}

// openAssignPicker takes r from the first screen to the assign picker of
// key serial, narrowed to r's employee: one enter from assigning.
func openAssignPicker(r *racer, serial string, otherReady []string, keyless []employeeRecord) {
	s, who := r.screen, r.id.name
	s.waitFor(who+"'s Employees screen", showsAll("Employees", r.employeeName()))
	s.send("2")
	s.waitFor(who+"'s Keys screen listing "+serial, func(screen string) bool {
		return lineWithAll(screen, serial, "Ready") != ""
	})
	s.send("/")
	// Keys that arrive together are one key to the TUI: "/" and the
	// serial in one burst would be ignored, so wait for the search line.
	s.waitFor(who+"'s search line", showsAll("keep search"))
	s.typeText(serial)
	s.waitFor(who+"'s search to narrow the keys to "+serial, func(screen string) bool {
		return lineWithAll(screen, serial, "Ready") != "" && !showsAny(screen, otherReady...)
	})
	s.send("Enter", "Enter") // keep the search, open the key
	s.waitFor(who+"'s page of key "+serial+", Ready", func(screen string) bool {
		return strings.Contains(screen, "Key "+serial) && strings.Contains(fieldLine(screen, "Status"), "Ready")
	})
	s.send("a")
	s.waitFor(who+"'s picker of employees for "+serial, showsAll("Assign key "+serial, r.employeeName()))
	s.typeText(r.employee.Email)
	var others []string
	for _, e := range keyless {
		if e.Email != r.employee.Email {
			others = append(others, e.FirstName+" "+e.LastName)
		}
	}
	s.waitFor(who+"'s picker narrowed to "+r.employeeName(), func(screen string) bool {
		return strings.Contains(screen, "Assign key "+serial) && strings.Contains(screen, r.employeeName()) && !showsAny(screen, others...)
	})
}

// showsActivationCode: the code screen, with the code grouped for
// reading aloud.
func showsActivationCode(screen string) bool {
	return strings.Contains(screen, "Activation code") && codeOnScreen(screen) != ""
}

// refusedAsChanged: the store's refusal of an action on a key that
// changed since the admin looked at it (store.loadKey), wherever the
// footer wraps it.
func refusedAsChanged(screen string) bool {
	return strings.Contains(strings.Join(strings.Fields(screen), " "), "changed while you were looking at it")
}

// fieldLine is the line of a page that starts with the label ("Status",
// "Employee"), or "".
func fieldLine(screen, label string) string {
	for _, line := range strings.Split(screen, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), label+" ") {
			return line
		}
	}
	return ""
}

// lineWithAll is the first line that contains every one of the words,
// or "".
func lineWithAll(screen string, words ...string) string {
	for _, line := range strings.Split(screen, "\n") {
		if showsAll(words...)(line) {
			return line
		}
	}
	return ""
}

// showsAny reports whether any of the words is on the screen.
func showsAny(screen string, words ...string) bool {
	return slices.ContainsFunc(words, func(w string) bool { return strings.Contains(screen, w) })
}
