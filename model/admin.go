package model

import (
	"fmt"
	"strings"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// Admin is a person allowed to use keydesk over SSH, known by one public
// key, with a role (SPEC 9).
type Admin struct {
	Name        string
	Role        Role
	Key         string // the public key in authorized_keys form, without comment
	Fingerprint string // SHA256:... of Key
	AddedAt     time.Time
	LastSeen    time.Time // zero: never logged in
	Rev         uint64
}

const maxAdminName = 32

// NormalizeAdminName checks the name an admin is known by: it appears in
// every audit entry and on every command line, so it is one plain word.
func NormalizeAdminName(name string) (string, error) {
	n, err := checkText("admin name", name, maxAdminName, true)
	if err != nil {
		return "", err
	}
	n = strings.ToLower(n)
	for i, r := range n {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || (i > 0 && strings.ContainsRune("._-@", r))
		if !ok {
			return "", fmt.Errorf("admin name %q may hold only letters, digits and . _ - @ (starting with a letter or digit)", Printable(name))
		}
	}
	return n, nil
}

// AdminKey is a public key as an admin pasted it.
type AdminKey struct {
	Key         string // "ssh-ed25519 AAAA...", without comment
	Fingerprint string
	Comment     string
}

// ParseAdminKey reads one line in authorized_keys form. Options (from=,
// command=, ...) are refused: keydesk does not enforce them.
func ParseAdminKey(line string) (AdminKey, error) {
	line = strings.TrimSpace(line)
	if line == "" {
		return AdminKey{}, fmt.Errorf("the public key is empty: give a line like 'ssh-ed25519 AAAA... name'")
	}
	if strings.ContainsAny(line, "\n\r") {
		return AdminKey{}, fmt.Errorf("give one public key, on one line")
	}
	key, comment, options, rest, err := gossh.ParseAuthorizedKey([]byte(line))
	switch {
	case err != nil:
		return AdminKey{}, fmt.Errorf("not a public key: give a line like 'ssh-ed25519 AAAA... name' (from a .pub file)")
	case len(options) > 0:
		return AdminKey{}, fmt.Errorf("the key has options (%s): keydesk does not enforce them, give the plain key", Printable(strings.Join(options, ",")))
	case len(strings.TrimSpace(string(rest))) > 0:
		return AdminKey{}, fmt.Errorf("give one public key, on one line")
	}
	marshalled := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(key)))
	return AdminKey{Key: marshalled, Fingerprint: gossh.FingerprintSHA256(key), Comment: Printable(strings.TrimSpace(comment))}, nil
}
