package model

import "fmt"

// Replay rebuilds, from the audit trail alone, what every key's and
// employee's record must say: a key's status, reason and holder, an
// employee's key. A record that differs from its replay was changed
// outside keydesk (the trail covers the records, not only itself).
type Replay struct {
	Keys      map[uint64]ReplayedKey
	Employees map[uint64]ReplayedEmployee
}

// ReplayedKey is a key as its entries leave it.
type ReplayedKey struct {
	Status     Status
	Reason     Reason
	EmployeeID uint64
	Seq        uint64 // its last entry
}

// ReplayedEmployee is an employee as the entries leave them.
type ReplayedEmployee struct {
	KeyID uint64
	Seq   uint64
}

// replayEffect is what an action does to the records.
type replayEffect int

const (
	effectNone            replayEffect = iota + 1 // a showing, a mail, a setting, an admin, a refusal, a backup
	effectKey                                     // a key's status, reason or holder (From -> To)
	effectKeyImported                             // a new key, Ready
	effectEmployeeCreated                         // a new employee, no key
	effectEmployeeDeleted                         // an employee gone (they held no key)
	effectEmployeeEdited                          // a profile changed: nothing replay follows
)

// replayEffects says, for every action keydesk writes, what it changes.
// An action missing here makes a trail unverifiable, on purpose: a new
// action must say what it does (a test checks every action the store
// knows).
var replayEffects = map[Action]replayEffect{
	ActionKeyImported:     effectKeyImported,
	ActionKeyAssigned:     effectKey,
	ActionKeyActivated:    effectKey,
	ActionKeyLockedByCode: effectKey,
	ActionKeyPinLocked:    effectKey,
	ActionKeySuspended:    effectKey,
	ActionKeyUnlocked:     effectKey,
	ActionKeyRemoved:      effectKey,
	ActionKeyWiped:        effectKey,
	ActionKeyCompromised:  effectKey,
	ActionKeyReportedLost: effectKey,
	ActionCodeReissued:    effectKey,
	ActionCodeRejected:    effectKey,
	ActionCodeExpired:     effectKey,
	ActionCodeRefused:     effectNone,
	ActionCodeShown:       effectNone,
	ActionCodeEmailed:     effectNone,
	ActionCodeEmailFailed: effectNone,
	ActionEmployeeCreated: effectEmployeeCreated,
	ActionEmployeeEdited:  effectEmployeeEdited,
	ActionEmployeeDeleted: effectEmployeeDeleted,
	ActionSettingsChanged: effectNone,
	ActionAdminAdded:      effectNone,
	ActionAdminRole:       effectNone,
	ActionAdminRemoved:    effectNone,
	ActionAccessRefused:   effectNone,
	ActionBackupMade:      effectNone,
	ActionBackupFailed:    effectNone,
	// Profiles, and a key's profile, licence and RFID: no status, reason
	// or holder changes.
	ActionProfileAdded:      effectNone,
	ActionProfileEdited:     effectNone,
	ActionProfileDeleted:    effectNone,
	ActionKeyProfile:        effectNone,
	ActionKeyProfileApplied: effectNone,
	ActionKeyLicence:        effectNone,
	ActionKeyRFID:           effectNone,
	// An employee leaving or returning changes neither key nor holder
	// (a leaver's key is withdrawn by its own key.removed entry).
	ActionEmployeeLeft:         effectEmployeeEdited,
	ActionEmployeeReturned:     effectEmployeeEdited,
	ActionDirectorySynced:      effectNone,
	ActionDirectorySyncRefused: effectNone,
	// A restore: the records are the backup's, its trail says so.
	ActionDatabaseRestored: effectNone,
	// The upgrade's digests of the records, checked by the store.
	ActionRecordsSealed: effectNone,
}

// ReplayKnows reports whether Apply knows what the action does.
func ReplayKnows(a Action) bool { _, ok := replayEffects[a]; return ok }

// NewReplay starts from an empty database.
func NewReplay() *Replay {
	return &Replay{Keys: map[uint64]ReplayedKey{}, Employees: map[uint64]ReplayedEmployee{}}
}

// Apply plays one entry, in trail order. An entry that cannot follow the
// ones before it (a key changed from a status it was not in, an entry
// about a key or employee the trail never created) is an error naming
// the entry.
func (r *Replay) Apply(e AuditEntry) error {
	effect, ok := replayEffects[e.Action]
	if !ok {
		return fmt.Errorf("audit entry %d: this keydesk does not know the action %q", e.Seq, e.Action)
	}
	switch effect {
	case effectKeyImported:
		if _, dup := r.Keys[e.KeyID]; dup || e.KeyID == 0 {
			return fmt.Errorf("audit entry %d imports key id %d, which the trail already has", e.Seq, e.KeyID)
		}
		r.Keys[e.KeyID] = ReplayedKey{Status: e.To, Seq: e.Seq}
	case effectKey:
		return r.applyKey(e)
	case effectEmployeeCreated:
		if _, dup := r.Employees[e.EmployeeID]; dup || e.EmployeeID == 0 {
			return fmt.Errorf("audit entry %d creates employee id %d, which the trail already has", e.Seq, e.EmployeeID)
		}
		r.Employees[e.EmployeeID] = ReplayedEmployee{Seq: e.Seq}
	case effectEmployeeDeleted:
		p, ok := r.Employees[e.EmployeeID]
		switch {
		case !ok:
			return fmt.Errorf("audit entry %d deletes employee id %d, whom the trail never created", e.Seq, e.EmployeeID)
		case p.KeyID != 0:
			return fmt.Errorf("audit entry %d deletes employee id %d, who still holds key id %d", e.Seq, e.EmployeeID, p.KeyID)
		}
		delete(r.Employees, e.EmployeeID)
	case effectEmployeeEdited:
		if _, ok := r.Employees[e.EmployeeID]; !ok {
			return fmt.Errorf("audit entry %d edits employee id %d, whom the trail never created", e.Seq, e.EmployeeID)
		}
	}
	return nil
}

// applyKey plays a status change: the key must be in From; it ends in To,
// with the entry's reason where To carries one, held by the entry's
// employee while To ties it to one.
func (r *Replay) applyKey(e AuditEntry) error {
	k, ok := r.Keys[e.KeyID]
	if !ok {
		return fmt.Errorf("audit entry %d changes key id %d, which the trail never imported", e.Seq, e.KeyID)
	}
	if k.Status != e.From {
		return fmt.Errorf("audit entry %d changes key id %d from %s, but the trail left it %s", e.Seq, e.KeyID, e.From, k.Status)
	}
	next := ReplayedKey{Status: e.To, Seq: e.Seq}
	if e.To.HasReason() {
		next.Reason = e.Reason
	}
	if e.To.IsTied() {
		next.EmployeeID = e.EmployeeID
	}
	if k.EmployeeID != next.EmployeeID {
		if k.EmployeeID != 0 {
			r.setHolding(k.EmployeeID, 0, e.Seq)
		}
		if next.EmployeeID != 0 {
			p, ok := r.Employees[next.EmployeeID]
			switch {
			case !ok:
				return fmt.Errorf("audit entry %d gives key id %d to employee id %d, whom the trail never created", e.Seq, e.KeyID, next.EmployeeID)
			case p.KeyID != 0:
				return fmt.Errorf("audit entry %d gives key id %d to employee id %d, who holds key id %d", e.Seq, e.KeyID, next.EmployeeID, p.KeyID)
			}
			r.setHolding(next.EmployeeID, e.KeyID, e.Seq)
		}
	}
	r.Keys[e.KeyID] = next
	return nil
}

func (r *Replay) setHolding(employeeID, keyID, seq uint64) {
	if p, ok := r.Employees[employeeID]; ok {
		p.KeyID, p.Seq = keyID, seq
		r.Employees[employeeID] = p
	}
}
