package cli_test

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keydesk/keydesk/ui/cli"
)

// Commands that only read never change the database's bytes (an evidence
// copy stays what it was), and work where the file cannot be written.
var readOnlyCommands = [][]string{
	{"export", "keys"},
	{"export", "employees", "--format", "csv"},
	{"export", "audit"},
	{"audit", "verify"},
	{"audit", "head"},
	{"settings", "smtp"},
	{"admin", "list"},
}

func TestReadOnlyCommandsLeaveTheFileAsItWas(t *testing.T) {
	db := filepath.Join(t.TempDir(), "evidence.db")
	if status, _, stderr := run(t, cli.Env{}, "--db", db, "demo", "--keys", "20", "--employees", "10"); status != 0 {
		t.Fatalf("demo: %s", stderr)
	}
	sum := func() [32]byte {
		data, err := os.ReadFile(db)
		if err != nil {
			t.Fatal(err)
		}
		return sha256.Sum256(data)
	}
	before := sum()
	info, _ := os.Stat(db)
	for _, args := range readOnlyCommands {
		status, _, stderr := run(t, cli.Env{}, append([]string{"--db", db}, args...)...)
		if status != 0 {
			t.Errorf("%s: status %d, %s", strings.Join(args, " "), status, stderr)
		}
		if sum() != before {
			t.Fatalf("%s changed the database's bytes", strings.Join(args, " "))
		}
		if now, _ := os.Stat(db); !now.ModTime().Equal(info.ModTime()) {
			t.Fatalf("%s changed the database's modification time", strings.Join(args, " "))
		}
	}
}

// Root may write any file whatever its mode, so this runs only as another
// user (store's TestReadOnlyOpenNeverChangesTheFile checks, as anyone,
// that the file is opened O_RDONLY).
func TestReadOnlyCommandsWorkOnAFileThatCannotBeWritten(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root, who may write any file")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "evidence.db")
	if status, _, stderr := run(t, cli.Env{}, "--db", db, "demo", "--keys", "5", "--employees", "5"); status != 0 {
		t.Fatalf("demo: %s", stderr)
	}
	if err := os.Chmod(db, 0o400); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o700) })
	for _, args := range readOnlyCommands {
		if status, _, stderr := run(t, cli.Env{}, append([]string{"--db", db}, args...)...); status != 0 {
			t.Errorf("%s on a 0400 file in a 0500 folder: status %d, %s", strings.Join(args, " "), status, stderr)
		}
	}
}
