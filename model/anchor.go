package model

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// AuditAnchor is the head of the audit trail as it was once seen: entry
// Seq had hash Hash. Kept outside the database (a line in an anchor file
// on another machine, a number in a ticket), it proves later that the
// trail was not cut back or rewritten up to that entry: whoever can write
// the file can re-seal the unkeyed chain, but cannot change the anchors
// already handed out.
type AuditAnchor struct {
	Time time.Time // when it was taken; zero when given by hand
	Seq  uint64
	Hash string // hex SHA-256
}

// String is the anchor as `keydesk audit head` prints it and as serve
// writes it to an anchor file (with the time first there).
func (a AuditAnchor) String() string {
	return fmt.Sprintf("seq %d hash %s", a.Seq, a.Hash)
}

// Line is the anchor as one line of an anchor file.
func (a AuditAnchor) Line() string {
	return a.Time.UTC().Format(time.RFC3339) + " " + a.String()
}

// ParseExpect reads SEQ:HASH, as `audit verify --expect` takes it.
func ParseExpect(s string) (AuditAnchor, error) {
	seq, hash, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok {
		return AuditAnchor{}, fmt.Errorf("%q is not SEQ:HASH (the N and H that keydesk audit head prints as seq N hash H)", Printable(s))
	}
	return anchorOf(seq, hash, s)
}

// ParseAnchorLine reads one line of an anchor file: TIME seq N hash H.
func ParseAnchorLine(line string) (AuditAnchor, error) {
	f := strings.Fields(line)
	if len(f) != 5 || f[1] != "seq" || f[3] != "hash" {
		return AuditAnchor{}, fmt.Errorf("%q is not TIME seq N hash H", Printable(line))
	}
	t, err := time.Parse(time.RFC3339, f[0])
	if err != nil {
		return AuditAnchor{}, fmt.Errorf("%q does not start with a time", Printable(line))
	}
	a, err := anchorOf(f[2], f[4], line)
	a.Time = t
	return a, err
}

func anchorOf(seq, hash, whole string) (AuditAnchor, error) {
	n, err := strconv.ParseUint(seq, 10, 64)
	if err != nil || n == 0 {
		return AuditAnchor{}, fmt.Errorf("%q: the entry number must be a whole number from 1", Printable(whole))
	}
	raw, err := hex.DecodeString(hash)
	if err != nil || len(raw) != 32 {
		return AuditAnchor{}, fmt.Errorf("%q: the hash must be 64 hex digits", Printable(whole))
	}
	return AuditAnchor{Seq: n, Hash: strings.ToLower(hash)}, nil
}
