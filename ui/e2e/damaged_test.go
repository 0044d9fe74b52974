package e2e

import (
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// keydesk serve on a file with flipped bytes refuses to start, saying
// what is wrong and what to do, and a writing command refuses too; a
// read still works.
func TestServeRefusesADamagedFileAtStart(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "keydesk.db")
	mustSucceed(t, keydesk(t, "--db", db, "demo", "--keys", "20", "--employees", "10"))
	bdb, err := bolt.Open(db, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = bdb.Update(func(tx *bolt.Tx) error {
		meta := tx.Bucket([]byte("meta"))
		head := append([]byte(nil), meta.Get([]byte("audit_head"))...)
		head[0] ^= 0x01
		return meta.Put([]byte("audit_head"), head)
	})
	bdb.Close()
	if err != nil {
		t.Fatal(err)
	}
	authorize(t, dir, newSSHIdentity(t, dir, "ann"))

	r := keydesk(t, "--db", db, "serve", "--listen", "127.0.0.1:0",
		"--host-key", filepath.Join(dir, "host_ed25519"), "--authorized-keys", filepath.Join(dir, "authorized_keys"))
	if r.code != 1 || !strings.Contains(r.stderr, "is damaged") || !strings.Contains(r.stderr, "Restore it from a backup") ||
		!strings.Contains(r.stderr, "keydesk audit verify") {
		t.Errorf("serve on a damaged file: exit %d, stderr %q; want 1, saying it is damaged and what to do", r.code, r.stderr)
	}
	if w := keydesk(t, "--db", db, "employee", "add", "--first", "Late", "--email", "late@example.com"); w.code != 1 || !strings.Contains(w.stderr, "is damaged") {
		t.Errorf("a write on a damaged file: exit %d, stderr %q; want 1 and why", w.code, w.stderr)
	}
	mustSucceed(t, keydesk(t, "--db", db, "export", "keys"))
}
