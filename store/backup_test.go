package store

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/keydesk/keydesk/store/secrets"
)

// A hot backup taken while another admin works is one consistent moment.
func TestBackupWhileWriting(t *testing.T) {
	s, _ := tOpen(t)
	if err := s.FillDemo(tAdmin, 300, 200); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	written := 0
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := s.AddEmployee(tAdmin, tPerson(fmt.Sprintf("Writer%04d", i)), ""); err != nil {
				t.Errorf("writer: %v", err)
				return
			}
			written++
		}
	}()

	var copies []string
	for i := range 3 {
		var buf bytes.Buffer
		n, err := s.Backup(tAdmin, &buf, "stdout")
		if err != nil || n != int64(buf.Len()) {
			t.Fatalf("Backup = %d, %v (buffer %d bytes)", n, err, buf.Len())
		}
		path := filepath.Join(t.TempDir(), fmt.Sprintf("copy%d.db", i))
		if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		copyFile(t, s.KeyPath(), secrets.KeyPath(path)) // as the README says to restore one
		copies = append(copies, path)
	}
	close(stop)
	wg.Wait()
	t.Logf("%d employees added during the backups", written)

	for _, path := range copies {
		c, err := Open(path, Options{NoSync: true, Now: func() time.Time { return tStart }})
		if err != nil {
			t.Fatalf("the copy does not open: %v", err)
		}
		snap := checkConsistent(t, c)
		st := tVerify(t, c)
		if len(snap.Employees) < 200 || uint64(len(tAudit(t, c))) != st.Entries {
			t.Errorf("copy holds %d employees, %d entries", len(snap.Employees), st.Entries)
		}
		c.Close()
	}
}

func TestBackupToFile(t *testing.T) {
	s, _ := tOpen(t)
	tImportKeys(t, s, "SN-A1")
	path := filepath.Join(t.TempDir(), "backup.db")
	n, err := s.BackupToFile(tAdmin, path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Size() != n || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup file %v (size %d, wrote %d), %v; want mode 0600", fi.Mode(), fi.Size(), n, err)
	}
	c, err := Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Key("SN-A1"); err != nil {
		t.Errorf("the copy lacks the key: %v", err)
	}

	// An existing file is never overwritten.
	existing := filepath.Join(t.TempDir(), "precious.db")
	os.WriteFile(existing, []byte("keep me"), 0o600)
	if _, err := s.BackupToFile(tAdmin, existing); err == nil {
		t.Errorf("BackupToFile overwrote an existing file")
	}
	if b, _ := os.ReadFile(existing); string(b) != "keep me" {
		t.Errorf("existing file now holds %q", b)
	}
}
