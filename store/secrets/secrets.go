// Package secrets seals the database's secrets (activation codes, the
// mail password) with AES-256-GCM under a key kept in a file beside the
// database, never in it: a copy of the database alone reveals neither.
package secrets

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/keydesk/keydesk/store/osfile"
)

// KeyPath is the key file of the database at dbPath: its name with .key
// in place of .db (keydesk.db -> keydesk.key), or .key added to a name
// that does not end in .db. A database and its key file go together; a
// restored copy needs the key file renamed after it.
func KeyPath(dbPath string) string {
	return strings.TrimSuffix(dbPath, ".db") + ".key"
}

// keyHeader starts the key file, so that it says what it is.
const keyHeader = "keydesk secrets key v1 "

const (
	keySize     = 32 // AES-256
	sealVersion = 1
)

// Box seals and opens secrets with one key.
type Box struct {
	aead cipher.AEAD
	// trailKey signs the audit trail's entries (derive.go); macs are
	// HMACs keyed with it, for reuse.
	trailKey []byte
	macs     sync.Pool
}

// ErrNoKey is the key file's absence.
var ErrNoKey = errors.New("no key file")

// Load reads the key file at path. A missing file is ErrNoKey.
func Load(path string) (*Box, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNoKey
	}
	if err != nil {
		return nil, err
	}
	text := strings.TrimSpace(string(data))
	raw, err := hex.DecodeString(strings.TrimPrefix(text, keyHeader))
	if !strings.HasPrefix(text, keyHeader) || err != nil || len(raw) != keySize {
		return nil, fmt.Errorf("%s is not a keydesk key file", path)
	}
	return newBox(raw)
}

// Create makes a new key file at path, mode 0600; it never replaces one.
func Create(path string) (*Box, error) {
	raw := make([]byte, keySize)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	_, err = f.WriteString(keyHeader + hex.EncodeToString(raw) + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = osfile.SyncName(path)
	}
	if err != nil {
		os.Remove(path)
		return nil, err
	}
	return newBox(raw)
}

// LoadOrCreate reads the key file, making it if there is none.
func LoadOrCreate(path string) (box *Box, created bool, err error) {
	box, err = Load(path)
	if !errors.Is(err, ErrNoKey) {
		return box, false, err
	}
	box, err = Create(path)
	return box, err == nil, err
}

func newBox(key []byte) (*Box, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Box{aead: aead, trailKey: deriveTrailKey(key)}, nil
}

// Seal encrypts plain. context is bound to the result (GCM's additional
// data): a sealed value opens only with the same context, so that a code
// moved to another key's record, or a code put in the password's place,
// does not open.
func (b *Box) Seal(plain, context []byte) []byte {
	sealed, err := b.SealFrom(rand.Reader, plain, context)
	if err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	return sealed
}

// SealFrom is Seal with the nonce drawn from nonces: a write that must
// give the same bytes wherever it is applied draws it from the stream its
// command's seed makes. Each command's seed is fresh, so nonces do not
// repeat under one key.
func (b *Box) SealFrom(nonces io.Reader, plain, context []byte) ([]byte, error) {
	nonce := make([]byte, b.aead.NonceSize())
	if _, err := io.ReadFull(nonces, nonce); err != nil {
		return nil, err
	}
	out := append([]byte{sealVersion}, nonce...)
	return b.aead.Seal(out, nonce, plain, context), nil
}

// ErrWrongKey says a sealed value does not open: another key, another
// context, or a changed value.
var ErrWrongKey = errors.New("the value does not open with this key")

// Open decrypts what Seal made with the same context.
func (b *Box) Open(sealed, context []byte) ([]byte, error) {
	n := b.aead.NonceSize()
	if len(sealed) < 1+n || sealed[0] != sealVersion {
		return nil, ErrWrongKey
	}
	plain, err := b.aead.Open(nil, sealed[1:1+n], sealed[1+n:], context)
	if err != nil {
		return nil, ErrWrongKey
	}
	return plain, nil
}
