package importfile

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/keydesk/keydesk/store"
)

func TestOpenRefusesALargeFileUnread(t *testing.T) {
	path := filepath.Join(t.TempDir(), "huge.csv")
	if err := os.WriteFile(path, []byte("serial\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Sparse: as large as it says without taking the disk.
	if err := os.Truncate(path, store.MaxImportBytes+1); err != nil {
		t.Fatal(err)
	}
	_, err := Open(path)
	if err == nil || err.Error() != path+fmt.Sprintf(" is larger than %d MiB: split it into smaller files", store.MaxImportBytes>>20) {
		t.Fatalf("got %v", err)
	}
}

func TestOpenRefusesADirectory(t *testing.T) {
	dir := t.TempDir()
	_, err := Open(dir)
	if err == nil || err.Error() != dir+" is not a regular file" {
		t.Fatalf("got %v", err)
	}
}
