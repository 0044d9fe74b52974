package secrets

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
)

// The audit trail's entries are signed (HMAC-SHA-256) with a key derived
// from the key file, never with the file's key itself: a value sealed
// with one can never be taken for the other.

const trailKeyInfo = "keydesk audit trail entries v1"

func deriveTrailKey(key []byte) []byte {
	k, err := hkdf.Key(sha256.New, key, nil, trailKeyInfo, sha256.Size)
	if err != nil {
		panic(err) // only for a length past 255 hashes
	}
	return k
}

// SignSize is the length of what SignEntry returns.
const SignSize = sha256.Size

// SignEntry is the signature of an audit entry: its number and its hash
// (which covers every field, the records it wrote and the entry before).
// Without the key file nobody can make one.
func (b *Box) SignEntry(seq uint64, hash []byte) []byte {
	m := hmac.New(sha256.New, b.trailKey)
	var n [8]byte
	for i := range n {
		n[i] = byte(seq >> (56 - 8*i))
	}
	m.Write(n[:])
	m.Write(hash)
	return m.Sum(nil)
}

// EntrySigned reports whether sig is SignEntry(seq, hash).
func (b *Box) EntrySigned(seq uint64, hash, sig []byte) bool {
	return hmac.Equal(sig, b.SignEntry(seq, hash))
}
