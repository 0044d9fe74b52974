package ui

import (
	"crypto/ed25519"
	"testing"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	gossh "golang.org/x/crypto/ssh"
)

// tAddAdmin puts a new key in the admins table with role, as `keydesk
// admin add` would, and returns the actor of an SSH session with it.
func tAddAdmin(t testing.TB, st *store.Store, name string, role model.Role) model.Actor {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	key, err := gossh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	added, err := st.AddAdmin(tActor, name, role, string(gossh.MarshalAuthorizedKey(key)))
	if err != nil {
		t.Fatal(err)
	}
	return model.SSHAdmin(added.Name, added.Fingerprint, added.Role)
}

// newDriverAs is newDriver for a session of actor's.
func newDriverAs(t testing.TB, st *store.Store, actor model.Actor, width, height int) *driver {
	t.Helper()
	return newDriverWith(t, Config{Store: st, Actor: actor, Remote: !actor.Local()}, width, height)
}
