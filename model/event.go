package model

import (
	"io"
	"time"
)

// EventKind is something that happens to a key: an admin's action or a
// report from the key's client software.
type EventKind uint8

const (
	EventImport     EventKind = iota + 1 // T1
	EventAssign                          // T2
	EventEnterCode                       // T3, T4, T7, T8 (device)
	EventSuspend                         // T5
	EventUnlock                          // T6
	EventPinLocked                       // T9 (device)
	EventRemove                          // T10, T11
	EventWiped                           // T12
	EventCompromise                      // T13
	EventReissue                         // T14
	EventReportLost                      // T15: the holder called, the key is lost
)

// AdminEvents are the events an admin can choose, in the order menus and
// help list them.
var AdminEvents = []EventKind{EventAssign, EventReissue, EventSuspend, EventUnlock, EventReportLost, EventRemove, EventCompromise, EventWiped}

// verb says what the event does to a key, to finish "it can be ...".
func (k EventKind) verb() string {
	switch k {
	case EventImport:
		return "imported"
	case EventAssign:
		return "assigned to an employee"
	case EventEnterCode:
		return "activated"
	case EventSuspend:
		return "suspended"
	case EventUnlock:
		return "unlocked"
	case EventPinLocked:
		return "locked by PIN"
	case EventRemove:
		return "removed"
	case EventWiped:
		return "marked wiped"
	case EventCompromise:
		return "marked compromised"
	case EventReissue:
		return "given a new code"
	case EventReportLost:
		return "reported lost"
	}
	return "changed"
}

// Event carries what an event needs; only the fields of its kind are read.
type Event struct {
	Kind EventKind
	Now  time.Time

	Employee *Employee // assign: who gets the key (with KeyID as stored)
	Code     string    // enter-code: what was typed
	Reason   Reason    // remove, compromise
	Note     string    // suspend, remove, compromise, report lost (the caller's words)
	Confirm  string    // compromise: the serial the admin typed to confirm

	// Random feeds new codes; nil means crypto/rand.
	Random io.Reader
}
