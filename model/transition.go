package model

import (
	"errors"
	"fmt"
	"strings"
)

// Change is the result of an accepted event: the key as it is now, and
// what the audit trail says about it.
type Change struct {
	Key    Key
	From   Status // 0 for an import
	Action Action
	// Failure is set when the event was accepted and must be stored, but
	// failed for the person who caused it: a wrong or expired code. The
	// store writes the change and then returns Failure.
	Failure error
}

// Refusal is an event that the key's status (or the event's own data) does
// not allow. Nothing changes.
type Refusal struct {
	Msg string
}

func (r *Refusal) Error() string { return r.Msg }

// IsRefusal reports whether err is a refusal rather than a failure to work.
func IsRefusal(err error) bool {
	var r *Refusal
	return errors.As(err, &r)
}

func refuse(format string, args ...any) error {
	return &Refusal{Msg: fmt.Sprintf(format, args...)}
}

// allowed is the transition table of SPEC 2.1 as data: which events each
// status accepts. Transition consults it first; a screen consults it to
// offer only what will work.
var allowed = map[Status][]EventKind{
	Ready:       {EventAssign},
	Reserved:    {EventEnterCode, EventReissue, EventReportLost, EventRemove, EventCompromise},
	Active:      {EventSuspend, EventPinLocked, EventReportLost, EventRemove, EventCompromise},
	Locked:      {EventUnlock, EventReportLost, EventRemove, EventCompromise},
	Suspended:   {EventEnterCode, EventReissue, EventReportLost, EventRemove, EventCompromise},
	Deactivated: {EventWiped},
	Compromised: {},
}

// waitingForAdmin is what a key reported lost still accepts: its holder
// no longer has it, so no code is entered, shown or reissued, and only
// an admin's decision ends the wait.
var waitingForAdmin = []EventKind{EventRemove, EventCompromise}

// AllowsKey reports whether a key in status s with reason r accepts the
// event: Allows, and a key reported lost accepts only what ends the wait.
func AllowsKey(s Status, r Reason, ev EventKind) bool {
	if IsReportedLost(s, r) {
		for _, e := range waitingForAdmin {
			if e == ev {
				return true
			}
		}
		return false
	}
	return Allows(s, ev)
}

// IsReportedLost reports whether a key is Suspended because its holder
// reported it lost, waiting for an admin.
func IsReportedLost(s Status, r Reason) bool { return s == Suspended && r == ReportedLost }

// KeyActions lists what an admin can do to a key in status s with
// reason r.
func KeyActions(s Status, r Reason) []EventKind {
	var out []EventKind
	for _, ev := range AdminEvents {
		if AllowsKey(s, r, ev) {
			out = append(out, ev)
		}
	}
	return out
}

// Allows reports whether a key in status s accepts the event.
func Allows(s Status, ev EventKind) bool {
	if s == 0 {
		return ev == EventImport
	}
	for _, e := range allowed[s] {
		if e == ev {
			return true
		}
	}
	return false
}

// AdminActions lists what an admin can do to a key in status s.
func AdminActions(s Status) []EventKind {
	var out []EventKind
	for _, ev := range AdminEvents {
		if Allows(s, ev) {
			out = append(out, ev)
		}
	}
	return out
}

// notAllowed says what status the key is in and what an admin may do.
func notAllowed(k Key, ev EventKind) error {
	if k.Status == 0 {
		return refuse("key %s is not in the stock: import it first", k.Serial)
	}
	if k.Status == Compromised {
		return refuse("key %s is Compromised: that is final, nothing more can be done with it", k.Serial)
	}
	// The refusal names an admin's decisions; reporting a key lost is
	// the helpdesk's suspension for a call, offered where it applies.
	var verbs []string
	for _, e := range KeyActions(k.Status, k.Reason) {
		if e != EventReportLost {
			verbs = append(verbs, e.verb())
		}
	}
	if IsReportedLost(k.Status, k.Reason) {
		return refuse("key %s was reported lost and waits for an admin: it can be %s", k.Serial, joinOr(verbs))
	}
	switch ev {
	case EventEnterCode:
		if k.Status.HasCode() {
			break
		}
		return refuse("key %s is %s: it is not waiting for an activation code", k.Serial, k.Status)
	case EventPinLocked:
		return refuse("key %s is %s: only an Active key can be locked by PIN", k.Serial, k.Status)
	}
	return refuse("key %s is %s: it can be %s", k.Serial, k.Status, joinOr(verbs))
}

func joinOr(words []string) string {
	switch len(words) {
	case 0:
		return "left as it is"
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// needReason refuses an event that does not say which of a and b is why
// key k is what (removed, compromised).
func needReason(k Key, ev Event, what string, a, b Reason) error {
	if ev.Reason != a && ev.Reason != b {
		return refuse("say why key %s is %s: %s or %s", k.Serial, what, strings.ToLower(a.String()), strings.ToLower(b.String()))
	}
	return nil
}

// Transition applies one event to a key: the only place a status changes.
// The caller's key is never modified.
func Transition(k Key, ev Event) (Change, error) {
	if !AllowsKey(k.Status, k.Reason, ev.Kind) {
		return Change{}, notAllowed(k, ev.Kind)
	}
	from := k.Status
	next := k.Clone()
	next.UpdatedAt = ev.Now
	change := Change{From: from}

	switch ev.Kind {
	case EventImport:
		next.Status, next.Reason, next.Note, next.EmployeeID, next.Code = Ready, NoReason, "", 0, nil
		next.ImportedAt = ev.Now
		change.Action = ActionKeyImported

	case EventAssign:
		e := ev.Employee
		if e == nil || e.ID == 0 {
			return Change{}, refuse("choose an employee to assign key %s to", k.Serial)
		}
		if e.KeyID != 0 {
			return Change{}, refuse("%s already holds a key: remove it first (one key per employee)", e.FullName())
		}
		if err := issueCode(&next, ev); err != nil {
			return Change{}, err
		}
		next.Status, next.EmployeeID = Reserved, e.ID
		change.Action = ActionKeyAssigned

	case EventEnterCode:
		return enterCode(k, next, ev)

	case EventSuspend:
		note, err := NormalizeNote(ev.Note)
		if err != nil {
			return Change{}, refuse("%s", err)
		}
		if err := issueCode(&next, ev); err != nil {
			return Change{}, err
		}
		next.Status, next.Note = Suspended, note
		change.Action = ActionKeySuspended

	case EventUnlock:
		if err := issueCode(&next, ev); err != nil {
			return Change{}, err
		}
		next.Status, next.Reason = Suspended, NoReason
		change.Action = ActionKeyUnlocked

	case EventPinLocked:
		next.Status, next.Reason, next.Note = Locked, LockedByInvalidPin, ""
		change.Action = ActionKeyPinLocked

	case EventRemove:
		if err := needReason(k, ev, "removed", Withdrawal, Broken); err != nil {
			return Change{}, err
		}
		note, err := NormalizeNote(ev.Note)
		if err != nil {
			return Change{}, refuse("%s", err)
		}
		next.EmployeeID, next.Code = 0, nil
		next.LastHolderID = k.EmployeeID
		if from == Reserved && ev.Reason == Withdrawal {
			// Never activated, so it holds nothing to wipe (T10).
			next.Status, next.Reason, next.Note = Ready, NoReason, ""
		} else {
			next.Status, next.Reason, next.Note = Deactivated, ev.Reason, note
		}
		change.Action = ActionKeyRemoved

	case EventWiped:
		next.Status, next.Reason, next.Note = Ready, NoReason, ""
		change.Action = ActionKeyWiped

	case EventCompromise:
		if err := needReason(k, ev, "compromised", Lost, Stolen); err != nil {
			return Change{}, err
		}
		if !strings.EqualFold(strings.TrimSpace(ev.Confirm), k.Serial) {
			return Change{}, refuse("to mark key %s compromised, type its serial %s to confirm", k.Serial, k.Serial)
		}
		note, err := NormalizeNote(ev.Note)
		if err != nil {
			return Change{}, refuse("%s", err)
		}
		next.Status, next.Reason, next.Note = Compromised, ev.Reason, note
		next.EmployeeID, next.Code = 0, nil
		next.LastHolderID = k.EmployeeID
		change.Action = ActionKeyCompromised

	case EventReportLost:
		// Suspended like T5, so the key stops working, with a code that
		// nobody is shown: whoever has the key cannot bring it back.
		note, err := NormalizeNote(ev.Note)
		if err != nil {
			return Change{}, refuse("%s", err)
		}
		if note == "" {
			return Change{}, refuse("say what the caller said about losing key %s (where, when)", k.Serial)
		}
		if err := issueCode(&next, ev); err != nil {
			return Change{}, err
		}
		next.Status, next.Reason, next.Note = Suspended, ReportedLost, note
		change.Action = ActionKeyReportedLost

	case EventReissue:
		if err := issueCode(&next, ev); err != nil {
			return Change{}, err
		}
		change.Action = ActionCodeReissued

	default:
		return Change{}, refuse("unknown event")
	}
	change.Key = next
	return change, nil
}

func issueCode(k *Key, ev Event) error {
	code, err := NewActivationCode(ev.Now, ev.Random)
	if err != nil {
		return err
	}
	k.Code = &code
	return nil
}

// enterCode is the activation procedure: the code the employee typed is
// checked against the key's current code.
func enterCode(k, next Key, ev Event) (Change, error) {
	change := Change{From: k.Status, Key: next}
	entered, err := NormalizeCodeEntry(ev.Code)
	if err != nil {
		return Change{}, refuse("%s", err)
	}
	code := next.Code
	if code == nil {
		// A Reserved/Suspended key without a code can only come from a
		// damaged database; ask for a new one rather than guessing.
		return Change{}, refuse("key %s has no activation code: ask your administrator for a new code", k.Serial)
	}
	if code.Expired(ev.Now) {
		change.Key = k.Clone() // an expired code counts no attempt
		change.Action = ActionCodeExpired
		change.Failure = refuse("the activation code for key %s has expired: ask your administrator for a new code", k.Serial)
		return change, nil
	}
	if code.Matches(entered) {
		next.Status, next.Reason, next.Note, next.Code = Active, NoReason, "", nil
		change.Key, change.Action = next, ActionKeyActivated
		return change, nil
	}
	code.Failures++
	if code.Failures >= MaxCodeFailures {
		next.Status, next.Reason, next.Note, next.Code = Locked, InvalidActivationCode, "", nil
		change.Key, change.Action = next, ActionKeyLockedByCode
		change.Failure = refuse("wrong activation code: key %s is now Locked; ask your administrator to unlock it", k.Serial)
		return change, nil
	}
	change.Key, change.Action = next, ActionCodeRejected
	left := code.AttemptsLeft()
	change.Failure = refuse("wrong activation code for key %s: %d %s left", k.Serial, left, plural(left, "attempt", "attempts"))
	return change, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
