package serve

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/charmbracelet/log"
	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/keydesk/keydesk/model"
)

// authorizedKeys is the file of the admins' public keys, in OpenSSH's
// authorized_keys format; the comment of a line is the admin's name. It is
// read again at every login, so that removing a line locks that admin out
// without a restart. keydesk does not enforce options before a key
// (from=, command=, restrict, ...), so a line with options is refused
// rather than let in more widely than it says.
type authorizedKeys struct {
	path string
}

// authorizedKey is one line of the file.
type authorizedKey struct {
	key  gossh.PublicKey
	name string
}

// read returns the keys of the file, and the numbers of the lines that
// hold no key or a key with options (both ignored).
func (a authorizedKeys) read() (keys []authorizedKey, badLines []int, err error) {
	data, err := os.ReadFile(a.path)
	if err != nil {
		return nil, nil, err
	}
	for i, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		key, comment, options, _, err := gossh.ParseAuthorizedKey(line)
		if err != nil || len(options) > 0 {
			badLines = append(badLines, i+1)
			continue
		}
		keys = append(keys, authorizedKey{key: key, name: model.Printable(strings.TrimSpace(comment))})
	}
	return keys, badLines, nil
}

// find returns the line that holds key, if any.
func (a authorizedKeys) find(key gossh.PublicKey) (authorizedKey, bool, error) {
	keys, _, err := a.read()
	if err != nil {
		return authorizedKey{}, false, err
	}
	for _, k := range keys {
		if ssh.KeysEqual(k.key, key) {
			return k, true, nil
		}
	}
	return authorizedKey{}, false, nil
}

// checkAtStart refuses to serve without a file that names at least one
// admin: a server that nobody can log in to is a mistake, and one that
// lets everyone in is worse. It returns how many keys the file holds.
func (a authorizedKeys) checkAtStart(logger *log.Logger) (int, error) {
	howTo := fmt.Sprintf("add your public key with: cat ~/.ssh/id_ed25519.pub >> %s", a.path)
	keys, badLines, err := a.read()
	if errors.Is(err, fs.ErrNotExist) {
		return 0, fmt.Errorf("no authorized_keys file at %s: %s", a.path, howTo)
	}
	if err != nil {
		return 0, fmt.Errorf("cannot read the authorized keys file %s: %v", a.path, innermost(err))
	}
	for _, n := range badLines {
		logger.Warn("not a plain public key (keydesk enforces no options such as from= or command=), ignored", "path", a.path, "line", n)
	}
	if len(keys) == 0 {
		return 0, fmt.Errorf("no public keys in %s: %s", a.path, howTo)
	}
	if info, err := os.Stat(a.path); err == nil && info.Mode().Perm()&0o022 != 0 {
		logger.Warn("other users can change the authorized keys file, and so let anyone in: chmod 600 it", "path", a.path)
	}
	return len(keys), nil
}
