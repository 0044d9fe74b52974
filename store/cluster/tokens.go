package cluster

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Join tokens are one-time secrets an admin hands to the operator of a
// new node. The log and the file hold only their SHA-256, with an expiry;
// using one is itself a log entry, so every node agrees it is spent.

const (
	opTokenCreate = 1
	opTokenUse    = 2
)

// tokenPrefix makes a token recognisable in a terminal or a ticket.
const tokenPrefix = "kdjoin-"

// NewJoinToken draws a token; only its hash goes into the log.
func NewJoinToken() string {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("cluster: no randomness: " + err.Error())
	}
	return tokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
}

func tokenHash(token string) [32]byte { return sha256.Sum256([]byte(strings.TrimSpace(token))) }

// tokenCreateCommand registers a token valid until expires.
func tokenCreateCommand(token string, expires time.Time) []byte {
	h := tokenHash(token)
	b := []byte{opTokenCreate}
	b = append(b, h[:]...)
	return binary.BigEndian.AppendUint64(b, uint64(expires.UnixNano()))
}

// tokenUseCommand spends a token for node.
func tokenUseCommand(token, node string) []byte {
	h := tokenHash(token)
	b := []byte{opTokenUse}
	b = append(b, h[:]...)
	return append(b, node...)
}

// Token states in the tokens bucket: expiry (8 bytes) then the node that
// used it, empty while unused.
func execCluster(tx *bolt.Tx, at Position, body []byte) (Outcome, error) {
	if len(body) < 33 {
		return Outcome{}, errors.New("cluster entry too short")
	}
	var hash [32]byte
	copy(hash[:], body[1:33])
	var refusal string
	var err error
	switch body[0] {
	case opTokenCreate:
		if len(body) != 41 {
			return Outcome{}, errors.New("token entry of the wrong size")
		}
		refusal, err = RegisterToken(tx, hash, time.Unix(0, int64(binary.BigEndian.Uint64(body[33:41]))), at.Time)
	case opTokenUse:
		refusal, err = SpendToken(tx, hash, string(body[33:]), at.Time)
		if refusal == "" && err == nil {
			return Outcome{Result: []byte("joined")}, nil
		}
	default:
		return Outcome{}, fmt.Errorf("%w (cluster op %d)", errUnknownVersion, body[0])
	}
	if refusal != "" {
		return Outcome{Refused: true, Result: []byte(refusal)}, err
	}
	return Outcome{}, err
}

// TokenHash is what the log and the file keep of a join token.
func TokenHash(token string) [32]byte { return tokenHash(token) }

// RegisterToken records a token's hash, valid until expires, in the
// transaction of a log entry applied at now (the log's time). A refusal
// (too many tokens waiting) is said in words, with nothing written.
func RegisterToken(tx *bolt.Tx, hash [32]byte, expires, now time.Time) (refusal string, err error) {
	tokens := tx.Bucket(bucketTokens)
	if tokens == nil {
		return "", errors.New("the database has no cluster bookkeeping")
	}
	if err := pruneTokens(tokens, now); err != nil {
		return "", err
	}
	if tokens.Stats().KeyN >= maxLiveTokens {
		return "too many join tokens are waiting to be used; let them expire first", nil
	}
	return "", tokens.Put(hash[:], binary.BigEndian.AppendUint64(nil, uint64(expires.UnixNano())))
}

// SpendToken uses a token for node, once, before it expires.
func SpendToken(tx *bolt.Tx, hash [32]byte, node string, now time.Time) (refusal string, err error) {
	tokens := tx.Bucket(bucketTokens)
	if tokens == nil {
		return "", errors.New("the database has no cluster bookkeeping")
	}
	v := tokens.Get(hash[:])
	switch {
	case len(v) < 8:
		return "the join token is not known (mistyped, or made on another cluster)", nil
	case len(v) > 8:
		return fmt.Sprintf("the join token was already used by node %s", v[8:]), nil
	case now.UnixNano() > int64(binary.BigEndian.Uint64(v)):
		return "the join token has expired: ask for a new one", nil
	}
	spent := append(append([]byte(nil), v...), node...)
	return "", tokens.Put(hash[:], spent)
}

// maxLiveTokens bounds the tokens table.
const maxLiveTokens = 64

// pruneTokens drops tokens that expired more than a day before now (the
// log's time): long enough for status to say "expired" rather than "not
// known".
func pruneTokens(tokens *bolt.Bucket, now time.Time) error {
	return DropStamped(tokens, now.Add(-24*time.Hour), false)
}
