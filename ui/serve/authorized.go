package serve

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/keydesk/keydesk/store/osfile"

	"github.com/charmbracelet/log"
	gossh "golang.org/x/crypto/ssh"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/serve/authkeys"
)

// Who may log in: the admins table of the database, each key with its
// role, and the authorized_keys file, the bootstrap, whose keys are
// admins. A key in both has the table's role. Both are read again at
// every login, and at every action of an open session (the store asks
// listed), so removing a line or an admin locks that key out without a
// restart.
type admission struct {
	store *store.Store
	path  string // authorized_keys
	keys  *authkeys.Cache
}

// admit says who holds key, or ok false when nobody does.
func (a admission) admit(key gossh.PublicKey) (who model.Actor, ok bool, err error) {
	fp := gossh.FingerprintSHA256(key)
	admin, found, err := a.store.AdminByFingerprint(fp)
	if err != nil {
		return who, false, err
	}
	if found {
		return model.SSHAdmin(admin.Name, fp, admin.Role), true, nil
	}
	keys, _, err := a.keys.Read(a.path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return who, false, err
	}
	for _, k := range keys {
		if k.Fingerprint == fp {
			who = model.SSHAdmin(k.Comment, fp, model.RoleAdmin)
			who.Bootstrap = true
			return who, true, nil
		}
	}
	return who, false, nil
}

// listed reports whether the file lists the key; a file that cannot be
// read lists nobody.
func (a admission) listed(fingerprint string) bool {
	keys, _, err := a.keys.Read(a.path)
	if err != nil {
		return false
	}
	for _, k := range keys {
		if k.Fingerprint == fingerprint {
			return true
		}
	}
	return false
}

// checkAtStart refuses to serve when nobody could log in: a server that
// nobody can use is a mistake, and one that lets everyone in is worse. It
// returns how many keys the file and the table hold.
func (a admission) checkAtStart(logger *log.Logger) (fileKeys, tableKeys int, err error) {
	howTo := fmt.Sprintf("add your public key with: cat ~/.ssh/id_ed25519.pub >> %s", a.path)
	admins, err := a.store.Admins(model.LocalAdmin("keydesk serve"))
	if err != nil {
		return 0, 0, err
	}
	keys, badLines, err := authkeys.Read(a.path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && len(admins) == 0:
		return 0, 0, fmt.Errorf("no authorized_keys file at %s and no admins in the database: %s", a.path, howTo)
	case errors.Is(err, fs.ErrNotExist):
		return 0, len(admins), nil
	case err != nil:
		return 0, 0, fmt.Errorf("cannot read the authorized keys file %s: %v", a.path, osfile.Innermost(err))
	}
	for _, n := range badLines {
		logger.Warn("not a plain public key (keydesk enforces no options such as from= or command=), ignored", "path", a.path, "line", n)
	}
	if len(keys) == 0 && len(admins) == 0 {
		return 0, 0, fmt.Errorf("no public keys in %s and no admins in the database: %s", a.path, howTo)
	}
	if info, err := os.Stat(a.path); err == nil && info.Mode().Perm()&0o022 != 0 {
		logger.Warn("other users can change the authorized keys file, and so let anyone in: chmod 600 it", "path", a.path)
	}
	return len(keys), len(admins), nil
}
