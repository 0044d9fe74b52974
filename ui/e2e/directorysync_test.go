package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
	"github.com/keydesk/keydesk/store/ldapsource/slapdtest"
)

// testClock is the time the keydesk processes of one test read as now
// (KEYDESK_TEST_CLOCK_FILE, honoured by the e2e build only).
type testClock struct {
	t    *testing.T
	path string
	now  time.Time
}

func newTestClock(t *testing.T, dir string, at time.Time) *testClock {
	c := &testClock{t: t, path: filepath.Join(dir, "clock")}
	c.set(at)
	return c
}

func (c *testClock) set(at time.Time) {
	c.t.Helper()
	c.now = at.UTC()
	// Written beside and renamed: a reader never sees half a time.
	tmp := c.path + ".tmp"
	if err := os.WriteFile(tmp, []byte(c.now.Format(time.RFC3339Nano)+"\n"), 0o600); err != nil {
		c.t.Fatal(err)
	}
	if err := os.Rename(tmp, c.path); err != nil {
		c.t.Fatal(err)
	}
}

func (c *testClock) env() []string { return []string{"KEYDESK_TEST_CLOCK_FILE=" + c.path} }

// keydeskWith runs the binary under test with more environment and stdin.
func keydeskWith(t *testing.T, env []string, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), commandDeadline)
	defer cancel()
	cmd := exec.CommandContext(ctx, keydeskBin, args...)
	cmd.Env = append(testEnv(), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{line: "keydesk " + strings.Join(args, " "), stdout: stdout.String(), stderr: stderr.String()}
	if ctx.Err() != nil {
		t.Fatalf("%s did not finish within %s\nstdout: %s\nstderr: %s", r.line, commandDeadline, r.stdout, r.stderr)
	}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("cannot run %s: %v", r.line, err)
	}
	return r
}

// directoryFixture is a directory that the test can make a person leave.
type directoryFixture struct {
	// settings are the flags of keydesk directory settings (with the bind
	// password on stdin) and serveFlags those of serve, for this source.
	settings   []string
	password   string
	syncArgs   []string // after "directory sync"
	serveFlags []string
	leave      func(uid string)
}

// ldapDirectory is a real slapd with the people.
func ldapDirectory(t *testing.T, people []slapdtest.Person) directoryFixture {
	if !slapdtest.Installed() {
		t.Skip("slapd is not installed (apt-get install slapd ldap-utils)")
	}
	srv := slapdtest.Start(t, people)
	return directoryFixture{
		settings: []string{"--url", srv.URL, "--tls", "starttls", "--ca-file", srv.CAFile,
			"--bind-dn", slapdtest.ReaderDN, "--password-stdin",
			"--base-dn", slapdtest.PeopleDN, "--filter", "(objectClass=inetOrgPerson)",
			"--preset", "openldap", "--attr-company", "-"},
		password: slapdtest.ReaderPW + "\n",
		leave: func(uid string) {
			if err := srv.Admin().Del(ldap.NewDelRequest("uid="+uid+","+slapdtest.PeopleDN, nil)); err != nil {
				t.Fatalf("cannot delete %s from the directory: %v", uid, err)
			}
		},
	}
}

// snapshotDirectory is a snapshot file that serve reads
// (--directory-snapshot), rewritten when someone leaves.
func snapshotDirectory(t *testing.T, dir string, people []slapdtest.Person) directoryFixture {
	path := filepath.Join(dir, "people.csv")
	write := func(people []slapdtest.Person) {
		var b strings.Builder
		b.WriteString("external_id,first_name,last_name,email,department\n")
		for _, p := range people {
			fmt.Fprintf(&b, "%s,%s,%s,%s,%s\n", p.UID, p.First, p.Last, p.Mail, p.Department)
		}
		if err := os.WriteFile(path+".tmp", []byte(b.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(path+".tmp", path); err != nil {
			t.Fatal(err)
		}
	}
	write(people)
	return directoryFixture{
		syncArgs:   []string{path},
		serveFlags: []string{"--directory-snapshot", path},
		leave: func(uid string) {
			write(slices.DeleteFunc(slices.Clone(people), func(p slapdtest.Person) bool { return p.UID == uid }))
		},
	}
}

// An admin in the terminal UI over OpenSSH previews a sync with a
// directory that has a leaver (a real slapd, or the snapshot file serve
// was given), applies it, and the header says when the leaver's key goes;
// once the test clock is past the grace period, the next sync's preview
// names the key withdrawn, and the key page shows it Deactivated and
// last held by the leaver.
func TestDirectorySyncLeaverOverOpenSSH(t *testing.T) {
	requireTools(t, "tmux", "ssh", "ssh-keygen")
	t.Parallel()
	t.Run("ldap", func(t *testing.T) {
		t.Parallel()
		testDirectorySyncLeaver(t, func(_ string, people []slapdtest.Person) directoryFixture { return ldapDirectory(t, people) })
	})
	t.Run("snapshot", func(t *testing.T) {
		t.Parallel()
		testDirectorySyncLeaver(t, func(dir string, people []slapdtest.Person) directoryFixture {
			return snapshotDirectory(t, dir, people)
		})
	})
}

func testDirectorySyncLeaver(t *testing.T, source func(dir string, people []slapdtest.Person) directoryFixture) {
	people := []slapdtest.Person{
		{UID: "lena", First: "Lena", Last: "Leaver", Mail: "lena@example.com", Department: "IT"},
		{UID: "sam", First: "Sam", Last: "Stayer", Mail: "sam@example.com", Department: "IT"},
	}
	for _, n := range []string{"amy", "ben", "cal", "dot", "eve", "fay", "gus", "hal", "ivy", "jon"} {
		people = append(people, slapdtest.Person{UID: n, First: strings.ToUpper(n[:1]) + n[1:], Last: "Staff", Mail: n + "@example.com"})
	}
	dir := t.TempDir()
	directory := source(dir, people)
	db := filepath.Join(dir, "keydesk.db")
	clock := newTestClock(t, dir, time.Now().UTC().Truncate(time.Second))
	kd := func(args ...string) string {
		t.Helper()
		return mustSucceed(t, keydeskWith(t, clock.env(), "", append([]string{"--db", db}, args...)...))
	}
	kd("demo", "--keys", "6", "--employees", "2")
	mustSucceed(t, keydeskWith(t, clock.env(), directory.password,
		append([]string{"--db", db, "directory", "settings", "--grace", "3d"}, directory.settings...)...))
	// The directory's people join, then Lena gets a key and activates it.
	if out := kd(append([]string{"directory", "sync"}, directory.syncArgs...)...); !strings.Contains(out, "joiners: 12") {
		t.Fatalf("the first sync does not add the 12 people of the directory:\n%s", out)
	}
	keys := decodeExport[keyRecord](t, "keys", kd("export", "keys"))
	ready := keysWithStatus(keys, "Ready")
	if len(ready) == 0 {
		t.Fatal("the demo has no Ready key")
	}
	serial := ready[0]
	code := sixDigits.FindString(kd("key", "assign", serial, "lena@example.com"))
	if code == "" {
		t.Fatalf("key assign %s printed no code", serial)
	}
	kd("device", "activate", serial, code)

	// Lena leaves the directory.
	directory.leave("lena")

	alice := newSSHIdentity(t, dir, "alice")
	authorize(t, dir, alice)
	srv := startServeWith(t, db, dir, clock.env(), directory.serveFlags...)
	c := sshClient{host: srv.host, port: srv.port, identity: alice.path}
	s := startScreen(t, "TERM=xterm-256color NO_COLOR=1 "+shellLine(append([]string{"ssh", "-tt"}, c.args()...)...))
	s.waitFor("the Employees screen over SSH", showsAll("Employees", "Lena Leaver"))

	// The preview names the leaver and changes nothing until applied.
	s.send("S")
	s.waitFor("the sync's preview naming Lena as the leaver", func(screen string) bool {
		return strings.Contains(screen, "Apply the directory sync?") && strings.Contains(lineWith(screen, "Leavers:"), "1 of") &&
			strings.Contains(screen, "Leavers: Lena Leaver")
	})
	if k := findKey(t, decodeExport[keyRecord](t, "keys", mustSucceed(t, c.run(t, "export", "keys"))), serial); k.Status != "Active" {
		t.Fatalf("during the preview key %s is %s, want Active (a preview changes nothing)", serial, k.Status)
	}
	s.send("Enter")
	s.waitFor("the sync applied, and the header saying when Lena's key goes", func(screen string) bool {
		return strings.Contains(screen, "directory sync applied") && strings.Contains(screen, "1 leaver: key withdrawn in 3 days")
	})
	if k := findKey(t, decodeExport[keyRecord](t, "keys", mustSucceed(t, c.run(t, "export", "keys"))), serial); k.Status != "Active" {
		t.Fatalf("within the grace period key %s is %s, want Active", serial, k.Status)
	}

	// Past the grace period, the next sync withdraws the key.
	clock.set(clock.now.Add(3*24*time.Hour + time.Hour))
	s.send("S")
	s.waitFor("the preview naming Lena's key withdrawn now", func(screen string) bool {
		return strings.Contains(screen, "Apply the directory sync?") && strings.Contains(screen, "Keys withdrawn now: Lena Leaver")
	})
	s.send("Enter")
	s.waitFor("the sync applied with one key withdrawn", showsAll("directory sync applied", "1 key withdrawn"))

	// The key page: Deactivated, held by nobody, last held by Lena.
	s.send("2")
	s.waitFor("the Keys screen listing "+serial, func(screen string) bool { return lineWith(screen, serial) != "" })
	s.send("/")
	s.waitFor("the search line", showsAll("keep search"))
	s.typeText(serial)
	s.waitFor("the search narrowed to "+serial, func(screen string) bool {
		return strings.Contains(screen, "1 of") && lineWithAll(screen, serial, "Deactivated") != ""
	})
	s.send("Enter", "Enter")
	s.waitFor("the page of key "+serial+" naming Lena as its last holder", func(screen string) bool {
		return strings.Contains(screen, "Key "+serial) &&
			strings.Contains(fieldLine(screen, "Status"), "Deactivated") &&
			strings.Contains(fieldLine(screen, "Employee"), "last held by Lena Leaver")
	})
	s.send("q")
	s.waitExit()

	k := findKey(t, decodeExport[keyRecord](t, "keys", mustSucceed(t, c.run(t, "export", "keys"))), serial)
	if k.Status != "Deactivated" || k.Reason != "Withdrawal" || k.EmployeeEmail != "" || k.LastHolder != "lena@example.com" {
		t.Errorf("key %s is %s (%s) for %q, last held by %q; want Deactivated (Withdrawal) for nobody, last held by lena@example.com",
			serial, k.Status, k.Reason, k.EmployeeEmail, k.LastHolder)
	}
}
