package store

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// A damaged file makes bbolt panic on the broken page; the store says so
// in an error instead of taking the program (or a whole server) down.
func TestDamagedFileIsAnErrorNotAPanic(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k.db")
	s, err := Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.FillDemo(tAdmin, 300, 200); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := os.Truncate(path, 100_000); err != nil {
		t.Fatal(err)
	}
	s, err = Open(path, Options{NoSync: true})
	if err != nil {
		return // refusing to open it at all is fine too
	}
	defer s.Close()
	_, err = s.Snapshot()
	var damaged *DamagedError
	if !errors.As(err, &damaged) {
		t.Fatalf("reading a truncated file: %v, want *DamagedError", err)
	}
}

func TestOverwrittenPagesAreAnErrorNotAPanic(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k.db")
	s, err := Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.FillDemo(tAdmin, 300, 200); err != nil {
		t.Fatal(err)
	}
	s.Close()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	junk := make([]byte, 4096)
	for i := range junk {
		junk[i] = byte(i*7 + 3)
	}
	for page := int64(4); page < 40; page++ {
		f.WriteAt(junk, page*4096)
	}
	f.Close()
	s, err = Open(path, Options{NoSync: true})
	if err != nil {
		t.Logf("open: %v", err)
		return
	}
	defer s.Close()
	_, err1 := s.Snapshot()
	_, err2 := s.VerifyAudit()
	if err1 == nil && err2 == nil {
		t.Fatal("reading over overwritten pages reported nothing")
	}
	t.Logf("snapshot: %v; verify: %v", err1, err2)
}
