package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sshIdentity is an admin's key pair, made with ssh-keygen; its comment
// is the admin's name, which serve puts in the audit trail.
type sshIdentity struct {
	name        string
	path        string // the private key; the public one is path+".pub"
	publicKey   string // the authorized_keys line
	fingerprint string // SHA256:…
}

func newSSHIdentity(t *testing.T, dir, name string) sshIdentity {
	t.Helper()
	path := filepath.Join(dir, "id_"+name)
	mustSucceed(t, run(t, commandDeadline, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", path))
	publicKey, err := os.ReadFile(path + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	fingerprint := strings.Fields(mustSucceed(t, run(t, commandDeadline, "ssh-keygen", "-l", "-E", "sha256", "-f", path+".pub")))[1]
	if !strings.HasPrefix(fingerprint, "SHA256:") {
		t.Fatalf("ssh-keygen gave the fingerprint %q, want SHA256:…", fingerprint)
	}
	return sshIdentity{name: name, path: path, publicKey: string(publicKey), fingerprint: fingerprint}
}

// actor is how the audit trail names the admin.
func (id sshIdentity) actor() string { return id.name + " (admin, " + id.fingerprint + ")" }

// authorize writes dir/authorized_keys, where startServe reads it, with
// the identities' public keys.
func authorize(t *testing.T, dir string, ids ...sshIdentity) {
	t.Helper()
	var lines strings.Builder
	for _, id := range ids {
		lines.WriteString(id.publicKey)
	}
	if err := os.WriteFile(filepath.Join(dir, "authorized_keys"), []byte(lines.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}
