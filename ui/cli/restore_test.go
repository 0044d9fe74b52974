package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keydesk/keydesk/store"
)

// TestRestoreRefusesAHeldDatabase: restore says who holds the database
// (keydesk serve, by its address file, or another program) and changes
// nothing.
func TestRestoreRefusesAHeldDatabase(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "k.db")
	env := Env{Getenv: func(string) string { return "" }}
	if status := Run(context.Background(), []string{"--db", db, "demo", "--keys", "5", "--employees", "3"}, env); status != 0 {
		t.Fatal("demo failed")
	}
	backup := filepath.Join(dir, "b.db")
	if status := Run(context.Background(), []string{"--db", db, "backup", backup}, env); status != 0 {
		t.Fatal("backup failed")
	}
	held, err := store.Open(db, store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	before, _ := os.ReadFile(db)
	restore := func() string {
		var errOut bytes.Buffer
		status := Run(context.Background(), []string{"--db", db, "restore", backup, "--key-file", filepath.Join(dir, "k.key")},
			Env{Stderr: &errOut, Getenv: env.Getenv})
		if status != 1 {
			t.Errorf("restore of a held database: exit %d", status)
		}
		return errOut.String()
	}
	if msg := restore(); !strings.Contains(msg, "another keydesk program holds the database") {
		t.Errorf("held by a program: %q", msg)
	}
	addr := fmt.Sprintf("127.0.0.1:2323\npid %d\n", os.Getpid())
	os.WriteFile(db+".serve", []byte(addr), 0o600)
	if msg := restore(); !strings.Contains(msg, fmt.Sprintf("keydesk serve (pid %d) holds the database", os.Getpid())) ||
		!strings.Contains(msg, "stop it first") {
		t.Errorf("held by serve: %q", msg)
	}
	if after, _ := os.ReadFile(db); !bytes.Equal(before, after) {
		t.Error("the held database changed")
	}
}
