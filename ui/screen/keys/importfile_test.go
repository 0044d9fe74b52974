package keys

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseAtMostReadsUpToTheLimit(t *testing.T) {
	csv := "serial\nA1\nA2\n"
	rows, err := parseAtMost(strings.NewReader(csv), "keys.csv", int64(len(csv)))
	if err != nil || len(rows) != 2 {
		t.Fatalf("at the limit: %d rows, %v", len(rows), err)
	}
	_, err = parseAtMost(strings.NewReader(csv+"A3\n"), "keys.csv", int64(len(csv)))
	if err == nil || err.Error() != "keys.csv is larger than 64 MiB: split it" {
		t.Fatalf("past the limit: %v", err)
	}
}

func TestReadKeysFileRefusesALargeFileUnread(t *testing.T) {
	path := filepath.Join(t.TempDir(), "huge.csv")
	if err := os.WriteFile(path, []byte("serial\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Sparse: as large as it says without taking the disk.
	if err := os.Truncate(path, maxImportBytes+1); err != nil {
		t.Fatal(err)
	}
	_, err := readKeysFile(path)
	if err == nil || err.Error() != path+" is larger than 64 MiB: split it" {
		t.Fatalf("got %v", err)
	}
}

func TestReadKeysFileRefusesADirectory(t *testing.T) {
	dir := t.TempDir()
	_, err := readKeysFile(dir)
	if err == nil || err.Error() != dir+" is not a regular file" {
		t.Fatalf("got %v", err)
	}
}
