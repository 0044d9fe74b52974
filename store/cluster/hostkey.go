package cluster

import (
	"bytes"
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	gossh "golang.org/x/crypto/ssh"
)

// The cluster's SSH host key (design 4.12): admins reach any node, or a
// name that moves between nodes, with one known_hosts entry, and a
// failover does not look like a man in the middle. Every node derives the
// same key from the cluster's CA key, which cluster init made and which a
// joiner received sealed with the database's key file over the mutual-TLS
// join (the key file itself never crosses the network). Nothing new is
// sent, stored in the log or kept in step: the key is a function of what
// each node already holds.

const hostKeyInfo = "keydesk cluster ssh host key v1"

// HostKeyFile is the name of the derived host key in a node's TLS folder.
const HostKeyFile = "ssh_host_ed25519"

// HostKey is the cluster's SSH host key.
func (id *Identity) HostKey() (ed25519.PrivateKey, error) {
	if len(id.CAKey) != ed25519.PrivateKeySize {
		return nil, errors.New("this node holds no copy of the cluster's CA key, from which the cluster's SSH host key is derived: remove the node and join it again")
	}
	seed, err := hkdf.Key(sha256.New, id.CAKey.Seed(), id.CA.Raw, hostKeyInfo, ed25519.SeedSize)
	if err != nil {
		return nil, err
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// WriteHostKey puts the cluster's host key in dir (the node's TLS
// folder), in OpenSSH's format, and answers its path for serve. A file
// already there holding the same key is left as it is.
func (id *Identity) WriteHostKey(dir string) (string, error) {
	key, err := id.HostKey()
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, HostKeyFile)
	want, err := gossh.NewPublicKey(key.Public())
	if err != nil {
		return "", err
	}
	if data, err := os.ReadFile(path); err == nil {
		if signer, err := gossh.ParsePrivateKey(data); err == nil && bytes.Equal(signer.PublicKey().Marshal(), want.Marshal()) {
			return path, nil
		}
	}
	block, err := gossh.MarshalPrivateKey(key, "keydesk cluster host key")
	if err != nil {
		return "", err
	}
	tmp := path + ".new"
	if err := os.WriteFile(tmp, pem.EncodeToMemory(block), 0o600); err != nil {
		return "", fmt.Errorf("cannot write the cluster's host key: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("cannot write the cluster's host key: %w", err)
	}
	return path, nil
}

// HostKeyFingerprint is the cluster's host key as ssh shows it
// (SHA256:...), for cluster status: what admins compare with their
// known_hosts.
func (id *Identity) HostKeyFingerprint() (string, error) {
	key, err := id.HostKey()
	if err != nil {
		return "", err
	}
	pub, err := gossh.NewPublicKey(key.Public())
	if err != nil {
		return "", err
	}
	return gossh.FingerprintSHA256(pub), nil
}
