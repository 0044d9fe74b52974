package model

import (
	"fmt"
	"maps"
	"slices"
)

// Replay rebuilds, from the audit trail alone, what every key's and
// employee's record must say: a key's status, reason and holder, an
// employee's key. A record that differs from its replay was changed
// outside keydesk (the trail covers the records, not only itself).
//
// It keeps the records in arrays indexed by id (ids are sequences, so
// the arrays are dense): 24 bytes a key and 16 an employee, a third of
// what maps of them held at a million records. An id far past the
// number of entries played (which no store writes) goes in a map.
type Replay struct {
	keys      dense[ReplayedKey]
	employees dense[ReplayedEmployee]
	played    uint64 // entries applied: every record needs one, so ids stay below about this
}

// dense holds values by id: an array while ids are near the number of
// entries played, a map past it. The zero value of V is "none".
type dense[V comparable] struct {
	byID []V
	far  map[uint64]V
}

func (d *dense[V]) get(id uint64) (V, bool) {
	var zero V
	if id < uint64(len(d.byID)) && d.byID[id] != zero {
		return d.byID[id], true
	}
	v, ok := d.far[id] // also an id kept here before the array grew past it
	return v, ok
}

// set stores v (the zero V removes id); limit is how far the array may
// grow for it.
func (d *dense[V]) set(id uint64, v V, limit uint64) {
	var zero V
	if id >= uint64(len(d.byID)) && id <= limit && v != zero {
		n := min(max(2*uint64(len(d.byID)), id+1, 1024), limit+1)
		grown := make([]V, n)
		copy(grown, d.byID)
		d.byID = grown
	}
	if id < uint64(len(d.byID)) {
		d.byID[id] = v
		delete(d.far, id)
		return
	}
	if v == zero {
		delete(d.far, id)
		return
	}
	if d.far == nil {
		d.far = map[uint64]V{}
	}
	d.far[id] = v
}

// each calls fn with every id held, in id order.
func (d *dense[V]) each(fn func(id uint64, v V)) {
	var zero V
	for id, v := range d.byID {
		if v != zero {
			fn(uint64(id), v)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(d.far)) {
		fn(id, d.far[id])
	}
}

// Key is key id as the trail leaves it; ok false when the trail has no
// such key.
func (r *Replay) Key(id uint64) (k ReplayedKey, ok bool) { return r.keys.get(id) }

// Employee is Key for an employee.
func (r *Replay) Employee(id uint64) (p ReplayedEmployee, ok bool) { return r.employees.get(id) }

// TakeKey is Key, and forgets the key (so that KeysLeft are those no
// record was found for).
func (r *Replay) TakeKey(id uint64) (ReplayedKey, bool) {
	k, ok := r.keys.get(id)
	if ok {
		r.keys.set(id, ReplayedKey{}, 0)
	}
	return k, ok
}

// TakeEmployee is TakeKey for an employee.
func (r *Replay) TakeEmployee(id uint64) (ReplayedEmployee, bool) {
	p, ok := r.employees.get(id)
	if ok {
		r.employees.set(id, ReplayedEmployee{}, 0)
	}
	return p, ok
}

// KeysLeft calls fn with every key not taken, in id order.
func (r *Replay) KeysLeft(fn func(id uint64, k ReplayedKey)) { r.keys.each(fn) }

// EmployeesLeft calls fn with every employee not taken, in id order.
func (r *Replay) EmployeesLeft(fn func(id uint64, p ReplayedEmployee)) { r.employees.each(fn) }

// limit is how far ids may go in the arrays.
func (r *Replay) limit() uint64 { return 2*r.played + 1<<16 }

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
	Seq   uint64 // never 0 for an employee the trail created (entries count from 1)
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
	return &Replay{}
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
	r.played++
	switch effect {
	case effectKeyImported:
		if _, dup := r.keys.get(e.KeyID); dup || e.KeyID == 0 || e.To == 0 {
			return fmt.Errorf("audit entry %d imports key id %d, which the trail already has", e.Seq, e.KeyID)
		}
		r.keys.set(e.KeyID, ReplayedKey{Status: e.To, Seq: e.Seq}, r.limit())
	case effectKey:
		return r.applyKey(e)
	case effectEmployeeCreated:
		if _, dup := r.employees.get(e.EmployeeID); dup || e.EmployeeID == 0 || e.Seq == 0 {
			return fmt.Errorf("audit entry %d creates employee id %d, which the trail already has", e.Seq, e.EmployeeID)
		}
		r.employees.set(e.EmployeeID, ReplayedEmployee{Seq: e.Seq}, r.limit())
	case effectEmployeeDeleted:
		p, ok := r.employees.get(e.EmployeeID)
		switch {
		case !ok:
			return fmt.Errorf("audit entry %d deletes employee id %d, whom the trail never created", e.Seq, e.EmployeeID)
		case p.KeyID != 0:
			return fmt.Errorf("audit entry %d deletes employee id %d, who still holds key id %d", e.Seq, e.EmployeeID, p.KeyID)
		}
		r.employees.set(e.EmployeeID, ReplayedEmployee{}, 0)
	case effectEmployeeEdited:
		if _, ok := r.employees.get(e.EmployeeID); !ok {
			return fmt.Errorf("audit entry %d edits employee id %d, whom the trail never created", e.Seq, e.EmployeeID)
		}
	}
	return nil
}

// applyKey plays a status change: the key must be in From; it ends in To,
// with the entry's reason where To carries one, held by the entry's
// employee while To ties it to one.
func (r *Replay) applyKey(e AuditEntry) error {
	k, ok := r.keys.get(e.KeyID)
	if !ok {
		return fmt.Errorf("audit entry %d changes key id %d, which the trail never imported", e.Seq, e.KeyID)
	}
	if e.To == 0 {
		return fmt.Errorf("audit entry %d leaves key id %d in no status", e.Seq, e.KeyID)
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
			p, ok := r.employees.get(next.EmployeeID)
			switch {
			case !ok:
				return fmt.Errorf("audit entry %d gives key id %d to employee id %d, whom the trail never created", e.Seq, e.KeyID, next.EmployeeID)
			case p.KeyID != 0:
				return fmt.Errorf("audit entry %d gives key id %d to employee id %d, who holds key id %d", e.Seq, e.KeyID, next.EmployeeID, p.KeyID)
			}
			r.setHolding(next.EmployeeID, e.KeyID, e.Seq)
		}
	}
	r.keys.set(e.KeyID, next, r.limit())
	return nil
}

func (r *Replay) setHolding(employeeID, keyID, seq uint64) {
	if p, ok := r.employees.get(employeeID); ok {
		p.KeyID, p.Seq = keyID, seq
		r.employees.set(employeeID, p, r.limit())
	}
}
