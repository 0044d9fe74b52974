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
	switch strings.ToLower(strings.TrimSpace(word)) {
	case "withdrawal":
		return Withdrawal, nil
	case "broken":
		return Broken, nil
	}
	return NoReason, fmt.Errorf("reason must be withdrawal or broken, not %q", word)
}

// ParseCompromiseReason reads the reason an admin gives for a lost key.
func ParseCompromiseReason(word string) (Reason, error) {
	switch strings.ToLower(strings.TrimSpace(word)) {
	case "lost":
		return Lost, nil
	case "stolen":
		return Stolen, nil
	}
	return NoReason, fmt.Errorf("reason must be lost or stolen, not %q", word)
}
