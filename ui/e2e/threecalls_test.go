package e2e

import (
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/keydesk/keydesk/ui/component/styles"
	"github.com/muesli/termenv"
)

// A helpdesk person takes three calls over OpenSSH, in tmux, as on their
// first day: a new code read aloud and activated (a green ✓), a locked
// key unlocked, a lost key reported (no code shown, flagged for an
// admin); then an admin finds it among what waits for them and marks it
// compromised.
func TestHelpdeskThreeCallsOverOpenSSH(t *testing.T) {
	requireTools(t, "tmux", "ssh", "ssh-keygen")
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "keydesk.db")
	mustSucceed(t, keydesk(t, "--db", db, "demo", "--keys", "40", "--employees", "30"))
	keys := decodeExport[keyRecord](t, "keys", mustSucceed(t, keydesk(t, "--db", db, "export", "keys")))
	employees := decodeExport[employeeRecord](t, "employees", mustSucceed(t, keydesk(t, "--db", db, "export", "employees")))
	newCode, newKey := employeeWithKeyIn(keys, employees, "Reserved", "Suspended")
	locked, lockedKey := employeeWithKeyIn(keys, employees, "Locked")
	lost, lostKey := employeeWithKeyIn(keys, employees, "Active")
	if newCode == nil || locked == nil || lost == nil {
		t.Fatal("the demo lacks an employee with a Reserved or Suspended, a Locked or an Active key")
	}

	alice, helen := newSSHIdentity(t, dir, "alice"), newSSHIdentity(t, dir, "helen")
	authorize(t, dir, alice)
	mustSucceed(t, keydesk(t, "--db", db, "admin", "add", "helen", "--role", "helpdesk", "--key", helen.publicKey))
	srv := startServe(t, db, dir)
	admin := sshClient{host: srv.host, port: srv.port, identity: alice.path}
	desk := sshClient{host: srv.host, port: srv.port, identity: helen.path}

	s := startScreenOf(t, "helen", "TERM=xterm-256color COLORTERM= "+shellLine(append([]string{"ssh", "-t"}, desk.args()...)...))
	s.waitFor("helen's call screen", showsAll("0 Call", "helen · helpdesk", "type a name"))

	// Call 1: a new code, read aloud, typed by the caller.
	s.typeText(newCode.Email)
	s.waitFor("the first caller", func(screen string) bool { return lineWithAll(screen, newCode.Email) != "" })
	s.send("Enter")
	s.waitFor("the first caller's key", showsAll(newKey, "press c to show it"))
	s.send("c")
	code := boxedCode(s.waitFor("the code", func(screen string) bool { return boxedCode(screen) != "" }))
	mustSucceed(t, admin.run(t, "device", "activate", newKey, code))
	s.waitFor("the green ✓", showsAll(newKey+"  Active", "✓ activated: key "+newKey+" is Active"))
	colours := s.tmux("capture-pane", "-e", "-p", "-t", s.name)
	if !activatedInGreen(colours) {
		t.Errorf("the activation is not drawn in the success colour:\n%q", lineOf(colours, "activated"))
	}

	// Call 2: a locked key.
	s.send("Escape", "Escape")
	s.waitFor("an empty search", showsAll("type a name"))
	s.typeText(locked.Email)
	s.waitFor("the second caller", func(screen string) bool { return lineWithAll(screen, locked.Email) != "" })
	s.send("Enter")
	s.waitFor("the locked key", showsAll(lockedKey+"  Locked", "u unlock"))
	s.send("u")
	s.waitFor("the unlock dialog", showsAll("Unlock key "+lockedKey))
	s.send("Enter")
	s.waitFor("the key unlocked, its code on the call", func(screen string) bool {
		return strings.Contains(screen, "unlocked: it is now Suspended") && boxedCode(screen) != ""
	})

	// Call 3: "I lost my key".
	s.send("Escape", "Escape")
	s.waitFor("an empty search", showsAll("type a name"))
	s.typeText(lost.Email)
	s.waitFor("the third caller", func(screen string) bool { return lineWithAll(screen, lost.Email) != "" })
	s.send("Enter")
	s.waitFor("the active key", showsAll(lostKey+"  Active", "L report lost"))
	s.send("X") // not theirs: the screen says why, and what to do instead
	s.waitFor("why not", showsAll("needs an admin", "report it lost"))
	s.send("L")
	s.waitFor("the report dialog", showsAll("Report key "+lostKey+" lost?", "Caller said *"))
	s.typeText("left it on the 8:15 train")
	s.send("Enter")
	after := s.waitFor("the report", showsAll("reported lost", "waits for an admin", "Reported lost 1"))
	if boxedCode(after) != "" {
		t.Fatalf("a code is on screen after the report:\n%s", after)
	}
	s.send("q")
	if status := s.waitExit(); status != 0 {
		t.Errorf("helen's ssh exited %d", status)
	}
	keys = decodeExport[keyRecord](t, "keys", mustSucceed(t, admin.run(t, "export", "keys")))
	for serial, want := range map[string]string{newKey: "Active/", lockedKey: "Suspended/", lostKey: "Suspended/ReportedLost"} {
		if k := findKey(t, keys, serial); k.Status+"/"+k.Reason != want {
			t.Errorf("key %s is %s/%s, want %s", serial, k.Status, k.Reason, want)
		}
	}

	// The admin: what waits for them, then compromised.
	a := startScreenOf(t, "alice", "TERM=xterm-256color NO_COLOR=1 "+shellLine(append([]string{"ssh", "-t"}, admin.args()...)...))
	a.waitFor("alice's screens", showsAll("alice · admin", "Reported lost 1"))
	a.send("2", "w")
	a.waitFor("the waiting list", func(screen string) bool {
		return strings.Contains(screen, "filter: reported lost") && lineWithAll(screen, lostKey, "Suspended", "reported") != ""
	})
	a.send("Enter")
	a.waitFor("the key's page", showsAll("Key "+lostKey, "left it on the 8:15 train", "X compromised"))
	a.send("X")
	a.waitFor("the compromise dialog", showsAll("Mark key "+lostKey+" compromised?"))
	a.send("Tab", "Tab")
	a.typeText(lostKey)
	a.send("Enter")
	a.waitFor("the key compromised", showsAll("is now Compromised: lost"))
	a.send("q")
	a.waitExit()
	keys = decodeExport[keyRecord](t, "keys", mustSucceed(t, admin.run(t, "export", "keys")))
	if k := findKey(t, keys, lostKey); k.Status != "Compromised" || k.Reason != "Lost" {
		t.Errorf("key %s is %s/%s after the admin's decision", lostKey, k.Status, k.Reason)
	}
}

// activatedInGreen reports whether the line that says the key was
// activated carries the success colour (for a dark or a light terminal).
func activatedInGreen(screen string) bool {
	line := lineOf(screen, "✓ activated")
	for _, dark := range []bool{true, false} {
		r := lipgloss.NewRenderer(io.Discard)
		r.SetColorProfile(termenv.ANSI256)
		r.SetHasDarkBackground(dark)
		styled := styles.New(r).Success.Render("x")
		if m := regexp.MustCompile(`38;5;\d+`).FindString(styled); m != "" && strings.Contains(line, m) {
			return true
		}
	}
	return false
}

func lineOf(screen, word string) string {
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, word) {
			return l
		}
	}
	return ""
}
