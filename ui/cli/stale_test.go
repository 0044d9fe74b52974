package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/keydesk/keydesk/ui/cli"
)

// deadPID is the id of a process that has ended.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skipf("cannot run true: %v", err)
	}
	return cmd.Process.Pid
}

// A <db>.serve left by a serve that was killed names a process that is
// gone: it is not taken for a running serve.
func TestStaleServeFileIsNotTakenForARunningServe(t *testing.T) {
	db := filepath.Join(t.TempDir(), "k.db")
	openStore(t, db) // held by another program, not by a serve
	pid := deadPID(t)
	if err := os.WriteFile(db+".serve", []byte("127.0.0.1:2323\npid "+strconv.Itoa(pid)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	status, _, stderr := runWithin(t, 3*time.Second, cli.Env{}, "--db", db, "export", "keys")
	if status != 1 || strings.Contains(stderr, "connect with ssh") ||
		!strings.Contains(stderr, "in use by another keydesk program") || !strings.Contains(stderr, "is stale") {
		t.Errorf("got status %d, stderr %q; want the other program named and the file called stale", status, stderr)
	}
}

func TestStaleServeFileIsRemovedByTheNextWriter(t *testing.T) {
	db := filepath.Join(t.TempDir(), "k.db")
	if status, _, stderr := run(t, cli.Env{}, "--db", db, "demo", "--keys", "1", "--employees", "1"); status != 0 {
		t.Fatal(stderr)
	}
	if err := os.WriteFile(db+".serve", []byte("127.0.0.1:2323\npid "+strconv.Itoa(deadPID(t))+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A reader changes nothing, this file included.
	if status, _, _ := run(t, cli.Env{}, "--db", db, "audit", "verify"); status != 0 {
		t.Fatal("audit verify failed")
	}
	if _, err := os.Stat(db + ".serve"); err != nil {
		t.Fatalf("a read-only command removed the address file: %v", err)
	}
	status, _, stderr := run(t, cli.Env{}, "--db", db, "backup", filepath.Join(t.TempDir(), "b.db"))
	if status != 0 || !strings.Contains(stderr, "left by a keydesk serve") {
		t.Errorf("backup: status %d, stderr %q; want the stale file removed and said", status, stderr)
	}
	if _, err := os.Stat(db + ".serve"); !os.IsNotExist(err) {
		t.Errorf("the stale address file is still there: %v", err)
	}
}
