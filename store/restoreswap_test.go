package store

import (
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/keydesk/keydesk/store/cluster"
	"github.com/keydesk/keydesk/store/secrets"
)

// A snapshot from the leader replaces a follower's file while its
// sessions read: no reader may meet the old file closed or read the
// store's handle while it is swapped (run with -race).
func TestClusterRestoreSwapsTheFileUnderReaders(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "a", "keydesk.db")
	dst := filepath.Join(dir, "b", "keydesk.db")
	os.MkdirAll(filepath.Dir(src), 0o700)
	os.MkdirAll(filepath.Dir(dst), 0o700)
	a, err := Open(src, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	data, _ := os.ReadFile(src)
	key, _ := os.ReadFile(secrets.KeyPath(src))
	os.WriteFile(dst, data, 0o600)
	os.WriteFile(secrets.KeyPath(dst), key, 0o600)

	a, err = Open(src, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.ImportKeys(tAdmin, keyRows("K1", "K2", "K3")); err != nil {
		t.Fatal(err)
	}
	ma, err := a.Replicate(cluster.MachineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Open(dst, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	mb, err := b.Replicate(cluster.MachineOptions{})
	if err != nil {
		t.Fatal(err)
	}

	stop := make(chan struct{})
	errs := make(chan error, 64)
	var wg sync.WaitGroup
	reads := 0
	var readsMu sync.Mutex
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := b.AuditHead(); err != nil {
					errs <- err
					return
				}
				if _, err := b.StatusCounts(); err != nil {
					errs <- err
					return
				}
				readsMu.Lock()
				reads++
				readsMu.Unlock()
			}
		}()
	}
	for range 15 {
		snap, err := ma.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		pr, pw := io.Pipe()
		go func() {
			_, err := snap.WriteTo(pw)
			snap.Release()
			pw.CloseWithError(err)
		}()
		if err := mb.Restore(pr); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("a reader during the restores: %v", err)
	}
	if reads == 0 {
		t.Fatal("no read ran beside the restores")
	}
	if k, err := b.Key("K2"); err != nil || k.Serial != "K2" {
		t.Fatalf("after the restores the follower reads K2 as %+v, %v", k, err)
	}
	if err := b.CheckFile(); err != nil {
		t.Fatalf("after a restore the store takes the new file for another one's: %v", err)
	}
	if b.DB() != mb.DB() {
		t.Fatal("the store and its machine read different files after the restore")
	}
}
