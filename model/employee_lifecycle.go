package model

import (
	"strings"
	"time"
)

// EmployeeStatus is where an employee is in their life at the
// organisation: active, or left (kept, with their history and their
// keys' history, so that who held what stays answerable).
type EmployeeStatus uint8

const (
	EmployeeActive EmployeeStatus = iota + 1
	EmployeeLeft
)

func (s EmployeeStatus) String() string {
	switch s {
	case EmployeeActive:
		return "active"
	case EmployeeLeft:
		return "left"
	}
	return "unknown"
}

// ParseEmployeeStatus reads the word of an export ("" is active).
func ParseEmployeeStatus(s string) (EmployeeStatus, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "active":
		return EmployeeActive, nil
	case "left":
		return EmployeeLeft, nil
	}
	return 0, refuse("employee status %q is neither active nor left", Printable(s))
}

// Status is active until the employee has left.
func (e Employee) Status() EmployeeStatus {
	if e.LeftAt.IsZero() {
		return EmployeeActive
	}
	return EmployeeLeft
}

// HasLeft reports whether the employee has left.
func (e Employee) HasLeft() bool { return !e.LeftAt.IsZero() }

// EmployeeEventKind is what happens to an employee's lifecycle.
type EmployeeEventKind uint8

const (
	EmployeeLeave  EmployeeEventKind = iota + 1 // active -> left
	EmployeeReturn                              // left -> active (found again in the directory, or an admin's undo)
)

// EmployeeEvent carries a lifecycle event: when, and for a leave why.
type EmployeeEvent struct {
	Kind   EmployeeEventKind
	At     time.Time
	Reason string
}

// employeeAllowed is the employee's transition table: which events each
// status accepts.
var employeeAllowed = map[EmployeeStatus][]EmployeeEventKind{
	EmployeeActive: {EmployeeLeave},
	EmployeeLeft:   {EmployeeReturn},
}

// LeftReasonDirectory is the reason written when a directory sync no
// longer finds a person.
const LeftReasonDirectory = "no longer in the directory"

const maxLeftReason = 200

// EmployeeTransition applies one lifecycle event: the only place an
// employee's status changes. The caller's employee is not modified; the
// action names the audit entry to write.
func EmployeeTransition(e Employee, ev EmployeeEvent) (Employee, Action, error) {
	from := e.Status()
	ok := false
	for _, k := range employeeAllowed[from] {
		ok = ok || k == ev.Kind
	}
	if !ok {
		switch from {
		case EmployeeLeft:
			return e, "", refuse("%s left on %s: they can only return", e.FullName(), e.LeftAt.UTC().Format(time.DateOnly))
		default:
			return e, "", refuse("%s is active: they can only leave", e.FullName())
		}
	}
	if ev.At.IsZero() {
		return e, "", refuse("a date is needed for %s", e.FullName())
	}
	next := e
	next.UpdatedAt = ev.At
	switch ev.Kind {
	case EmployeeLeave:
		reason, err := checkText("reason for leaving", ev.Reason, maxLeftReason, false)
		if err != nil {
			return e, "", refuse("%s", err)
		}
		if reason == "" {
			reason = "left"
		}
		next.LeftAt, next.LeftReason = ev.At.UTC(), reason
		return next, ActionEmployeeLeft, nil
	default: // EmployeeReturn
		next.LeftAt, next.LeftReason = time.Time{}, ""
		return next, ActionEmployeeReturned, nil
	}
}

// WithdrawalDue reports whether a leaver's key is to be withdrawn now:
// they have left, still hold a key, and the grace period has passed.
func WithdrawalDue(e Employee, grace time.Duration, now time.Time) bool {
	return e.HasLeft() && e.KeyID != 0 && !now.Before(e.LeftAt.Add(grace))
}

// WithdrawalAt is when a leaver's key is due to be withdrawn.
func WithdrawalAt(e Employee, grace time.Duration) time.Time { return e.LeftAt.Add(grace) }

const maxExternalID = 128
