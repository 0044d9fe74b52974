package authkeys

import (
	"crypto/ed25519"
	"crypto/rand"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	gossh "golang.org/x/crypto/ssh"
)

// A line with options (from=, command=) would be let in more widely than
// it says, since keydesk enforces none: it is refused.
func TestKeysWithOptionsAreRefused(t *testing.T) {
	line := keyLine(t)
	path := filepath.Join(t.TempDir(), "authorized_keys")
	data := "# admins\n\n" + line("", "alice") + line(`from="10.9.9.9",command="version" `, "bob") + line("restrict ", "carol") + "garbage\n"
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	keys, bad, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0].Comment != "alice" {
		t.Errorf("keys %v, want only alice's", keys)
	}
	if len(bad) != 3 || bad[0] != 4 || bad[1] != 5 || bad[2] != 6 {
		t.Errorf("ignored lines %v, want 4, 5 and 6", bad)
	}
}

// keyLine makes authorized_keys lines with new keys.
func keyLine(t *testing.T) func(prefix, name string) string {
	return func(prefix, name string) string {
		pub, _, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		key, err := gossh.NewPublicKey(pub)
		if err != nil {
			t.Fatal(err)
		}
		marshalled := gossh.MarshalAuthorizedKey(key)
		return prefix + string(marshalled[:len(marshalled)-1]) + " " + name + "\n"
	}
}

// The cache parses the file again whenever it changed, even to the same
// size in the same instant, and answers as Read does.
func TestCacheReadsAChangedFileAgain(t *testing.T) {
	line := keyLine(t)
	path := filepath.Join(t.TempDir(), "authorized_keys")
	var cache Cache
	for _, name := range []string{"alice", "bobby", "bobby"} {
		data := line("", name)
		if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		got, _, err := cache.Read(path)
		want, _, _ := Read(path)
		if err != nil || !reflect.DeepEqual(got, want) || len(got) != 1 || got[0].Comment != name {
			t.Errorf("after writing %s's key: %v, %v; Read says %v", name, got, err, want)
		}
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if _, _, err := cache.Read(path); err == nil {
		t.Error("a removed file still reads")
	}
}
