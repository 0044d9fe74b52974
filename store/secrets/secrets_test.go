package secrets

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestKeyPathIsNamedAfterTheDatabase(t *testing.T) {
	for db, want := range map[string]string{
		"/data/keydesk.db": "/data/keydesk.key",
		"copy.db":          "copy.key",
		"/data/inventory":  "/data/inventory.key",
	} {
		if got := KeyPath(db); got != want {
			t.Errorf("KeyPath(%q) = %q, want %q", db, got, want)
		}
	}
}

func TestSealedValuesOpenOnlyWithTheirKeyAndContext(t *testing.T) {
	dir := t.TempDir()
	box, created, err := LoadOrCreate(filepath.Join(dir, "a.key"))
	if err != nil || !created {
		t.Fatalf("LoadOrCreate: %v, created %v", err, created)
	}
	info, err := os.Stat(filepath.Join(dir, "a.key"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v (%v), want 0600", info.Mode(), err)
	}
	sealed := box.Seal([]byte("123456"), []byte("code 1"))
	if bytes.Contains(sealed, []byte("123456")) {
		t.Fatal("the sealed value holds the plain text")
	}
	if plain, err := box.Open(sealed, []byte("code 1")); err != nil || string(plain) != "123456" {
		t.Fatalf("Open = %q, %v", plain, err)
	}
	if _, err := box.Open(sealed, []byte("code 2")); err != ErrWrongKey {
		t.Errorf("opened with another context: %v", err)
	}
	again, created, err := LoadOrCreate(filepath.Join(dir, "a.key"))
	if err != nil || created {
		t.Fatalf("second LoadOrCreate: %v, created %v", err, created)
	}
	if _, err := again.Open(sealed, []byte("code 1")); err != nil {
		t.Errorf("the key file read again does not open: %v", err)
	}
	other, err := Create(filepath.Join(dir, "b.key"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Open(sealed, []byte("code 1")); err != ErrWrongKey {
		t.Errorf("opened with another key: %v", err)
	}
	if _, err := Create(filepath.Join(dir, "a.key")); err == nil {
		t.Error("Create replaced an existing key file")
	}
	if _, err := Load(filepath.Join(dir, "none.key")); err != ErrNoKey {
		t.Errorf("Load of a missing file: %v, want ErrNoKey", err)
	}
}
