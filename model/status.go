package model

import (
	"fmt"
)

// Status is where a key is in its life. The zero value means "no status"
// (a key that does not exist yet); it is never stored.
type Status uint8

const (
	Ready Status = iota + 1
	Reserved
	Active
	Locked
	Suspended
	Deactivated
	Compromised
)

// Statuses lists every status in the order the screens show them.
var Statuses = []Status{Ready, Reserved, Active, Locked, Suspended, Deactivated, Compromised}

var statusNames = [...]string{"", "Ready", "Reserved", "Active", "Locked", "Suspended", "Deactivated", "Compromised"}

func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("Status(%d)", uint8(s))
}

// Valid reports whether s is one of the seven statuses.
func (s Status) Valid() bool { return s >= Ready && s <= Compromised }

// HasCode reports whether a key in this status carries an activation code.
func (s Status) HasCode() bool { return s == Reserved || s == Suspended }

// HasReason reports whether a key in this status says why it is there
// (Locked, Deactivated and Compromised do; Suspended when reported lost).
func (s Status) HasReason() bool {
	return s == Locked || s == Deactivated || s == Compromised || s == Suspended
}

// IsTied reports whether a key in this status belongs to an employee.
func (s Status) IsTied() bool {
	return s == Reserved || s == Active || s == Locked || s == Suspended
}
