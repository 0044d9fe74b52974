package serve

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/keydesk/keydesk/store/osfile"

	gossh "golang.org/x/crypto/ssh"
)

// loadOrCreateHostKey reads the server's ed25519 host key, creating it
// (mode 0600) the first time: the same key on every start is what lets
// admins' ssh clients recognise the server.
func loadOrCreateHostKey(path string) (signer gossh.Signer, created bool, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		data, err = createHostKey(path)
		if err != nil {
			return nil, false, fmt.Errorf("cannot create the host key %s: %v", path, osfile.Innermost(err))
		}
		created = true
	} else if err != nil {
		return nil, false, fmt.Errorf("cannot read the host key %s: %v", path, osfile.Innermost(err))
	}
	signer, err = gossh.ParsePrivateKey(data)
	var needsPassphrase *gossh.PassphraseMissingError
	if errors.As(err, &needsPassphrase) {
		return nil, false, fmt.Errorf("the host key %s is protected by a passphrase: keydesk serve needs one without", path)
	}
	if err != nil {
		return nil, false, fmt.Errorf("the host key %s is not a private key: %v", path, err)
	}
	return signer, created, nil
}

func createHostKey(path string) ([]byte, error) {
	_, private, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	block, err := gossh.MarshalPrivateKey(private, "keydesk host key")
	if err != nil {
		return nil, err
	}
	data := pem.EncodeToMemory(block)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return nil, err
	}
	return data, nil
}
