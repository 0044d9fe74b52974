package store

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

func tChecksum(t *testing.T, path string) [32]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(data)
}

// tDescriptorModes lists the access modes of this process's descriptors
// on path (O_RDONLY, O_RDWR, ...), from /proc/self/fdinfo: what the
// kernel will let the process do with the file, whoever it runs as.
func tDescriptorModes(t *testing.T, path string) []int {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc/self/fd: %v", err)
	}
	want, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	var modes []int
	for _, fd := range fds {
		target, err := os.Stat(filepath.Join("/proc/self/fd", fd.Name()))
		if err != nil || !os.SameFile(target, want) {
			continue
		}
		info, err := os.ReadFile(filepath.Join("/proc/self/fdinfo", fd.Name()))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(info), "\n") {
			if v, ok := strings.CutPrefix(line, "flags:"); ok {
				flags, err := strconv.ParseInt(strings.TrimSpace(v), 8, 64)
				if err != nil {
					t.Fatal(err)
				}
				modes = append(modes, int(flags)&syscall.O_ACCMODE)
			}
		}
	}
	return modes
}

func TestReadOnlyOpenNeverChangesTheFile(t *testing.T) {
	s, _ := tOpen(t)
	if err := s.FillDemo(tAdmin, 30, 20); err != nil {
		t.Fatal(err)
	}
	path := s.Path()
	s.Close()
	before := tChecksum(t, path)
	info, _ := os.Stat(path)

	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only Open: %v", err)
	}
	if !ro.ReadOnly() || !ro.DB().IsReadOnly() {
		t.Fatal("the store is not read-only")
	}
	modes := tDescriptorModes(t, path)
	if len(modes) == 0 {
		t.Fatal("no descriptor on the database while it is open")
	}
	for _, m := range modes {
		if m != syscall.O_RDONLY {
			t.Errorf("a descriptor on the database has access mode %d, want O_RDONLY", m)
		}
	}
	if _, err := ro.VerifyAudit(); err != nil {
		t.Errorf("VerifyAudit: %v", err)
	}
	if _, err := ro.Snapshot(); err != nil {
		t.Errorf("Snapshot: %v", err)
	}
	if err := ro.AuditOldestFirst(tAdmin, func(model.AuditEntry) error { return nil }); err != nil {
		t.Errorf("AuditOldestFirst: %v", err)
	}
	_, err = ro.ImportKeys(tAdmin, []KeyRow{{Line: 2, KeyInput: model.KeyInput{Serial: "RO1"}}})
	if err == nil || !strings.Contains(err.Error(), "open read-only") {
		t.Errorf("a write on a read-only store: %v, want it refused", err)
	}
	ro.Close()
	if tChecksum(t, path) != before {
		t.Error("the file's bytes changed")
	}
	if after, _ := os.Stat(path); !after.ModTime().Equal(info.ModTime()) {
		t.Error("the file's modification time changed")
	}
}

// As a user who cannot write the file, a read-only open works (root can
// write whatever the mode says; there TestReadOnlyOpenNeverChangesTheFile's
// descriptor check is the proof).
func TestReadOnlyOpenOfAFileNobodyMayWrite(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root, who may write any file: the descriptor check of TestReadOnlyOpenNeverChangesTheFile stands in")
	}
	s, _ := tOpen(t)
	tImportKeys(t, s, "RO1")
	path := s.Path()
	s.Close()
	if err := os.Chmod(path, 0o400); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Dir(path), 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(filepath.Dir(path), 0o700) })
	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only Open of a 0400 file in a 0500 folder: %v", err)
	}
	defer ro.Close()
	if _, err := ro.VerifyAudit(); err != nil {
		t.Error(err)
	}
}

func TestReadOnlyOpenOfAnOldSchemaSaysToUpgradeIt(t *testing.T) {
	s, _ := tOpen(t)
	path := s.Path()
	if err := s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(metaSchema, record.ID(3)) }); err != nil {
		t.Fatal(err)
	}
	s.Close()
	before := tChecksum(t, path)
	_, err := Open(path, Options{ReadOnly: true})
	if err == nil || !strings.Contains(err.Error(), "open it once for writing") {
		t.Errorf("read-only Open of schema 3: %v", err)
	}
	if tChecksum(t, path) != before {
		t.Error("the refused open changed the file")
	}
}
