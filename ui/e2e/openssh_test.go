package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// refuseDeadline is how long a local command may take to refuse a
// database that serve holds: keydesk waits a second for the lock, a hang
// would be far longer.
const refuseDeadline = 5 * time.Second

// sixDigits is an activation code as commands print it.
var sixDigits = regexp.MustCompile(`\b\d{6}\b`)

// An admin works through `keydesk serve` with OpenSSH's client: commands,
// the audit naming their key, a backup, and the terminal UI, which shows
// a change made meanwhile by a command; then serve stops cleanly.
func TestOpenSSHClient(t *testing.T) {
	requireTools(t, "tmux", "ssh", "ssh-keygen")
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "keydesk.db")
	mustSucceed(t, keydesk(t, "--db", db, "demo", "--keys", "12", "--employees", "8"))
	keys := decodeExport[keyRecord](t, "keys", mustSucceed(t, keydesk(t, "--db", db, "export", "keys")))
	employees := decodeExport[employeeRecord](t, "employees", mustSucceed(t, keydesk(t, "--db", db, "export", "employees")))
	ready, active := keysWithStatus(keys, "Ready"), keysWithStatus(keys, "Active")
	var keyless []employeeRecord
	for _, e := range employees {
		if e.KeySerial == "" {
			keyless = append(keyless, e)
		}
	}
	if len(ready) == 0 || len(active) == 0 || len(keyless) < 2 {
		t.Fatalf("the demo has %d Ready keys, %d Active keys and %d employees without a key; want at least 1, 1 and 2",
			len(ready), len(active), len(keyless))
	}
	toAssign, toSuspend := ready[0], active[0]
	assignee := keyless[0].Email
	// Shown only on the Employees screen: keyless, so not on the Keys one.
	bystander := keyless[1].FirstName + " " + keyless[1].LastName

	identity := filepath.Join(dir, "id")
	mustSucceed(t, run(t, commandDeadline, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "alice", "-f", identity))
	publicKey, err := os.ReadFile(identity + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "authorized_keys"), publicKey, 0o600); err != nil {
		t.Fatal(err)
	}
	fingerprint := strings.Fields(mustSucceed(t, run(t, commandDeadline, "ssh-keygen", "-l", "-E", "sha256", "-f", identity+".pub")))[1]

	srv := startServe(t, db, dir)
	c := sshClient{host: srv.host, port: srv.port, identity: identity}

	// A command over SSH, and the code it prints is the real one.
	out := mustSucceed(t, c.run(t, "key", "assign", toAssign, assignee))
	code := sixDigits.FindString(out)
	if code == "" {
		t.Fatalf("key assign over SSH printed no 6-digit code:\n%s", out)
	}
	if r := c.run(t, "device", "activate", toAssign, code); r.code != 0 || !strings.Contains(r.stderr, "Active") {
		t.Errorf("device activate over SSH: exit %d, stderr %q, want it to say the key is Active", r.code, r.stderr)
	}

	// The audit names the admin by the SSH key's name and fingerprint.
	audit := decodeExport[auditRecord](t, "audit", mustSucceed(t, c.run(t, "export", "audit")))
	byAlice := slices.ContainsFunc(audit, func(e auditRecord) bool {
		return strings.Contains(e.Target, toAssign) && strings.HasPrefix(e.Actor, "alice (admin, SHA256:") && strings.Contains(e.Actor, fingerprint)
	})
	if !byAlice {
		t.Errorf("no audit entry about %s by alice (%s); the trail:\n%+v", toAssign, fingerprint, audit)
	}

	// A local command refuses at once and says how to connect.
	refused := run(t, refuseDeadline, keydeskBin, "--db", db, "key", "code", toSuspend)
	if refused.code != 1 || !strings.Contains(refused.stderr, "serve is running") || !strings.Contains(refused.stderr, "ssh -p "+srv.port) {
		t.Errorf("a local command while serve runs exited %d with %q; want 1 and a message that serve is running and to connect with ssh -p %s",
			refused.code, refused.stderr, srv.port)
	}

	// A hot backup through serve is a sound copy of the database as it is.
	copyDB := filepath.Join(dir, "copy.db")
	backup := mustSucceed(t, c.run(t, "backup", "-"))
	if err := os.WriteFile(copyDB, []byte(backup), 0o600); err != nil {
		t.Fatal(err)
	}
	mustSucceed(t, keydesk(t, "--db", copyDB, "audit", "verify"))
	copied := decodeExport[keyRecord](t, "keys", mustSucceed(t, keydesk(t, "--db", copyDB, "export", "keys")))
	if k := findKey(t, copied, toAssign); k.Status != "Active" || k.EmployeeEmail != assignee {
		t.Errorf("in the backup, key %s is %s for %q; want Active for %s", toAssign, k.Status, k.EmployeeEmail, assignee)
	}

	// The terminal UI over SSH.
	s := startScreen(t, "TERM=xterm-256color NO_COLOR=1 "+shellLine(append([]string{"ssh", "-tt"}, c.args()...)...))
	s.waitFor("the Employees screen over SSH", showsAll("Employees", bystander))
	s.send("2")
	counts := statusCounts(decodeExport[keyRecord](t, "keys", mustSucceed(t, c.run(t, "export", "keys"))))
	s.waitFor("the Keys screen with the counts in its header", func(screen string) bool {
		return !strings.Contains(screen, bystander) &&
			strings.Contains(lineWith(screen, toSuspend), "Active") &&
			showsCounts(counts)(screen)
	})

	// Another admin's command shows on the screen without a key pressed.
	mustSucceed(t, c.run(t, "key", "suspend", toSuspend))
	counts["Active"]--
	counts["Suspended"]++
	s.waitFor("the suspension of "+toSuspend+" to show without a keypress", func(screen string) bool {
		return strings.Contains(lineWith(screen, toSuspend), "Suspended") && showsCounts(counts)(screen)
	})
	s.send("q")
	if status := s.waitExit(); status != 0 {
		t.Errorf("ssh exited with status %d after q in the terminal UI, want 0", status)
	}

	// SIGTERM stops serve cleanly and leaves a sound database.
	if status := srv.stop(t); status != 0 {
		t.Errorf("keydesk serve exited with status %d on SIGTERM, want 0", status)
	}
	if _, err := os.Stat(srv.addrFile); !os.IsNotExist(err) {
		t.Errorf("%s is still there after serve stopped (stat: %v)", srv.addrFile, err)
	}
	mustSucceed(t, keydesk(t, "--db", db, "audit", "verify"))
	keys = decodeExport[keyRecord](t, "keys", mustSucceed(t, keydesk(t, "--db", db, "export", "keys")))
	if k := findKey(t, keys, toSuspend); k.Status != "Suspended" {
		t.Errorf("after serve stopped, key %s is %s, want Suspended", toSuspend, k.Status)
	}
}
