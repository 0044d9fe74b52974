package secrets

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"hash"
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

// SignSize is the length of what SignEntries returns.
const SignSize = sha256.Size

// SignEntries signs the audit entries from..seq by the hash of entry seq
// (which covers every field, the records it wrote and, through the chain,
// every entry before it). One entry signs itself with from == seq; an
// import signs its whole run once. Without the key file nobody can make
// one.
func (b *Box) SignEntries(from, seq uint64, hash []byte) []byte {
	return b.AppendSignEntries(make([]byte, 0, 16+len(hash)), from, seq, hash)
}

// AppendSignEntries is SignEntries appended to dst, which it also uses
// for what it signs: every write signs an entry, and allocates nothing
// for it when dst has room for 16 bytes and the hash past the signature.
func (b *Box) AppendSignEntries(dst []byte, from, seq uint64, hash []byte) []byte {
	// The HMAC, keyed once, is reused (Reset keeps the key) rather than
	// keyed again each time.
	m := b.pooledMAC()
	start := len(dst)
	dst = binary.BigEndian.AppendUint64(dst, from)
	dst = binary.BigEndian.AppendUint64(dst, seq)
	dst = append(dst, hash...)
	m.Write(dst[start:])
	dst = m.Sum(dst[:start])
	b.macs.Put(m)
	return dst
}

// pooledMAC is an HMAC keyed with the trail key, reset; put it back in
// b.macs when done.
func (b *Box) pooledMAC() hash.Hash {
	if m, ok := b.macs.Get().(hash.Hash); ok {
		m.Reset()
		return m
	}
	return hmac.New(sha256.New, b.trailKey)
}

// EntriesSigned reports whether sig is SignEntries(from, seq, hash).
func (b *Box) EntriesSigned(from, seq uint64, hash, sig []byte) bool {
	return hmac.Equal(sig, b.SignEntries(from, seq, hash))
}

// EntryVerifier checks many signatures with one HMAC state, for audit
// verify's walk of the whole trail. Not safe for concurrent use.
type EntryVerifier struct {
	mac hash.Hash
	buf []byte
}

// NewEntryVerifier is a verifier of b's signatures.
func (b *Box) NewEntryVerifier() *EntryVerifier {
	return &EntryVerifier{mac: hmac.New(sha256.New, b.trailKey)}
}

// Signed reports whether sig is SignEntries(from, seq, hash).
func (v *EntryVerifier) Signed(from, seq uint64, hash, sig []byte) bool {
	v.mac.Reset()
	var n [16]byte
	binary.BigEndian.PutUint64(n[:8], from)
	binary.BigEndian.PutUint64(n[8:], seq)
	v.mac.Write(n[:])
	v.mac.Write(hash)
	v.buf = v.mac.Sum(v.buf[:0])
	return hmac.Equal(sig, v.buf)
}
