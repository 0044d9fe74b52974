package cluster

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// RequestID names one request from the node that received it until its
// answer: a retry carries the same id, and the state machine applies an
// id once.
type RequestID [16]byte

// NewRequestID draws a fresh id from crypto/rand.
func NewRequestID() RequestID {
	var id RequestID
	if _, err := rand.Read(id[:]); err != nil {
		panic("cluster: no randomness: " + err.Error()) // crypto/rand never fails on Linux
	}
	return id
}

func (id RequestID) String() string { return hex.EncodeToString(id[:]) }

// Kind says who applies an entry: the store's executor, or this package.
type Kind byte

const (
	// KindCommand is a store command, applied by the Executor.
	KindCommand Kind = 1
	// KindCluster is an operation of this package (join tokens).
	KindCluster Kind = 2
	// KindPromote is a forwarded request only, never a log entry: a
	// non-voter that has caught up asks the leader to make it a voter.
	KindPromote Kind = 3
)

// envelopeVersion is the first byte of every log entry this package
// writes. A node meeting a version it does not know halts (never skips).
const envelopeVersion = 1

// envelopeHeader: version, kind, request id, leader time (unix ns).
const envelopeHeader = 1 + 1 + 16 + 8

// MaxCommandSize bounds one command: a larger entry would stall
// heartbeats (imports are split into bounded entries, design 4.14).
const MaxCommandSize = 512 << 10

// envelope is one log entry's data.
type envelope struct {
	Kind Kind
	ID   RequestID
	// Time is the leader's clock when it proposed the entry; the applier
	// never reads a clock of its own (see Position.Time).
	Time time.Time
	Body []byte
}

func (e envelope) encode() []byte {
	b := make([]byte, envelopeHeader, envelopeHeader+len(e.Body))
	b[0] = envelopeVersion
	b[1] = byte(e.Kind)
	copy(b[2:18], e.ID[:])
	binary.BigEndian.PutUint64(b[18:26], uint64(e.Time.UnixNano()))
	return append(b, e.Body...)
}

// errUnknownVersion stops a node that meets an entry from a newer keydesk.
var errUnknownVersion = errors.New("the log holds an entry from a newer keydesk: upgrade this node")

func decodeEnvelope(b []byte) (envelope, error) {
	if len(b) < envelopeHeader {
		return envelope{}, fmt.Errorf("log entry of %d bytes is too short", len(b))
	}
	if b[0] != envelopeVersion {
		return envelope{}, fmt.Errorf("%w (entry version %d, this node knows %d)", errUnknownVersion, b[0], envelopeVersion)
	}
	e := envelope{Kind: Kind(b[1])}
	if e.Kind != KindCommand && e.Kind != KindCluster && e.Kind != KindUpgrade {
		return envelope{}, fmt.Errorf("%w (entry kind %d)", errUnknownVersion, b[1])
	}
	copy(e.ID[:], b[2:18])
	e.Time = time.Unix(0, int64(binary.BigEndian.Uint64(b[18:26]))).UTC()
	e.Body = b[envelopeHeader:]
	return e, nil
}

// Result is a command's answer, the same on every node.
type Result struct {
	// Data is what the executor answered (for a refusal, its reason).
	Data []byte
	// Refused: the command's writes were rolled back; Data says why.
	Refused bool
	// Index is the log index the command was applied at (the first one,
	// for a retried request).
	Index uint64
	// Repeat: this request id had been applied before; Data and Index are
	// the first application's.
	Repeat bool
}

const resultVersion = 1

// encodeResult is the request table's value: version, flags, index, data.
func encodeResult(r Result) []byte {
	b := make([]byte, 10, 10+len(r.Data))
	b[0] = resultVersion
	if r.Refused {
		b[1] = 1
	}
	binary.BigEndian.PutUint64(b[2:10], r.Index)
	return append(b, r.Data...)
}

func decodeResult(b []byte) (Result, error) {
	if len(b) < 10 || b[0] != resultVersion || b[1] > 1 {
		return Result{}, errors.New("request table entry is damaged")
	}
	return Result{Refused: b[1] == 1, Index: binary.BigEndian.Uint64(b[2:10]), Data: append([]byte(nil), b[10:]...)}, nil
}
