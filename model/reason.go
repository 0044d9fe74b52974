package model

import (
	"fmt"
	"strings"
)

// Reason qualifies Locked, Deactivated and Compromised, and a Suspended
// key reported lost.
type Reason uint8

const (
	NoReason Reason = iota
	InvalidActivationCode
	LockedByInvalidPin
	Withdrawal
	Broken
	Lost
	Stolen
	// ReportedLost qualifies a Suspended key whose holder called to say
	// it is lost: it waits for an admin to mark it compromised.
	ReportedLost
)

var reasonNames = [...]string{"", "InvalidActivationCode", "LockedByInvalidPin", "Withdrawal", "Broken", "Lost", "Stolen", "ReportedLost"}

func (r Reason) String() string {
	if int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return fmt.Sprintf("Reason(%d)", uint8(r))
}

// Valid reports whether r is a known reason (NoReason included).
func (r Reason) Valid() bool { return int(r) < len(reasonNames) }

// ParseRemoveReason reads the reason an admin gives for taking a key back.
func ParseRemoveReason(word string) (Reason, error) {
	return parseReason(word, Withdrawal, Broken)
}

// ParseCompromiseReason reads the reason an admin gives for a lost key.
func ParseCompromiseReason(word string) (Reason, error) {
	return parseReason(word, Lost, Stolen)
}

// parseReason reads word as reason a or b, written in lower case.
func parseReason(word string, a, b Reason) (Reason, error) {
	w := strings.ToLower(strings.TrimSpace(word))
	for _, r := range []Reason{a, b} {
		if w == strings.ToLower(r.String()) {
			return r, nil
		}
	}
	return NoReason, fmt.Errorf("reason must be %s or %s, not %q", strings.ToLower(a.String()), strings.ToLower(b.String()), word)
}
