package store

import (
	"time"

	"github.com/keydesk/keydesk/model"
	bolt "go.etcd.io/bbolt"
)

// KeyRef names the key an admin acts on. Rev, when not zero, is the
// revision the admin was looking at: if the key changed since, the action
// is refused instead of being applied to data the admin has not seen.
type KeyRef struct {
	Serial string
	Rev    uint64
}

// Serial refers to a key by serial alone, whatever its revision (the
// command line acts on the key as it is now).
func Serial(serial string) KeyRef { return KeyRef{Serial: serial} }

// CodeView is what an admin needs to read an activation code aloud.
type CodeView struct {
	Serial    string
	Digits    string
	IssuedAt  time.Time
	ExpiresAt time.Time
	Employee  string // full name
	Email     string
}

func (s *Store) loadKey(tx *bolt.Tx, ref KeyRef) (model.Key, error) {
	k, err := s.keyBySerial(tx, ref.Serial)
	if err != nil {
		return k, err
	}
	if ref.Rev != 0 && k.Rev != ref.Rev {
		return k, refused("key %s changed while you were looking at it (it is now %s): look again before acting", k.Serial, k.Status)
	}
	return k, nil
}

// applyKeyEvent is the one path of every status change: the model decides,
// then the key, the employee's side of the tie and the audit entry are
// written in the caller's transaction.
func (s *Store) applyKeyEvent(tx *bolt.Tx, by string, k model.Key, ev model.Event) (model.Change, error) {
	if ev.Now.IsZero() {
		ev.Now = s.now()
	}
	if ev.Random == nil {
		ev.Random = s.random
	}
	if unreadable(k.Code) && ev.Kind == model.EventEnterCode {
		return model.Change{}, s.SecretsProblem() // the code cannot be compared
	}
	ch, err := model.Transition(k, ev)
	if err != nil {
		return ch, err
	}
	if unreadable(ch.Key.Code) {
		return ch, s.SecretsProblem() // the key would keep a code that cannot be written back
	}
	stored := k
	if k.Status == 0 {
		stored = model.Key{} // a new key: nothing indexed yet
	}
	if err := s.putKey(tx, stored, &ch.Key); err != nil {
		return ch, err
	}
	if k.EmployeeID != ch.Key.EmployeeID {
		if err := setEmployeeKey(tx, k.EmployeeID, 0); err != nil {
			return ch, err
		}
		if err := setEmployeeKey(tx, ch.Key.EmployeeID, ch.Key.ID); err != nil {
			return ch, err
		}
	}
	employeeID := ch.Key.EmployeeID
	if employeeID == 0 {
		employeeID = k.EmployeeID
	}
	reason := ch.Key.Reason
	if ev.Reason != model.NoReason {
		reason = ev.Reason
	}
	note := ""
	switch ev.Kind {
	case model.EventSuspend, model.EventRemove, model.EventCompromise, model.EventReportLost:
		note, _ = model.NormalizeNote(ev.Note) // the model already refused a bad one
	}
	entry := model.AuditEntry{
		Time: ev.Now, Actor: by, Action: ch.Action, Target: keyTarget(tx, ch.Key.Serial, employeeID),
		From: ch.From, To: ch.Key.Status, Reason: reason, Note: note,
		KeyID: ch.Key.ID, EmployeeID: employeeID,
	}
	return ch, s.appendAudit(tx, entry)
}

// keyTarget names a key, and the employee involved, for the audit trail.
func keyTarget(tx *bolt.Tx, serial string, employeeID uint64) string {
	if employeeID != 0 {
		if e, err := employeeByID(tx, employeeID); err == nil {
			return "key " + serial + " (" + e.Email + ")"
		}
	}
	return "key " + serial
}

// keyEvent runs one event on one key in its own transaction. A Failure
// (wrong code) is stored, then returned as the error.
func (s *Store) keyEvent(who model.Actor, op model.Operation, ref KeyRef, ev model.Event) (model.Key, error) {
	var ch model.Change
	err := s.update(who, op, func(tx *bolt.Tx, by string) error {
		if op == model.OpDevicePinLocked {
			by = model.ActorDevice // what the device reports is the device's doing
		}
		k, err := s.loadKey(tx, ref)
		if err != nil {
			return err
		}
		ch, err = s.applyKeyEvent(tx, by, k, ev)
		return err
	})
	if err != nil {
		return model.Key{}, err
	}
	return ch.Key, ch.Failure
}

// codeEvent runs an event that issues a code and returns it for display.
func (s *Store) codeEvent(who model.Actor, op model.Operation, ref KeyRef, ev model.Event) (CodeView, error) {
	var view CodeView
	err := s.update(who, op, func(tx *bolt.Tx, by string) error {
		k, err := s.loadKey(tx, ref)
		if err != nil {
			return err
		}
		ch, err := s.applyKeyEvent(tx, by, k, ev)
		if err != nil {
			return err
		}
		view, err = s.showCode(tx, by, ch.Key)
		return err
	})
	return view, err
}

func (s *Store) codeView(tx *bolt.Tx, k model.Key) (CodeView, error) {
	if k.Code == nil {
		return CodeView{}, refused("key %s is %s: it has no activation code", k.Serial, k.Status)
	}
	if model.IsReportedLost(k.Status, k.Reason) {
		return CodeView{}, refused("key %s was reported lost: its code is never shown; it waits for an admin to mark it compromised", k.Serial)
	}
	if unreadable(k.Code) {
		return CodeView{}, s.SecretsProblem()
	}
	v := CodeView{Serial: k.Serial, Digits: k.Code.Digits, IssuedAt: k.Code.IssuedAt, ExpiresAt: k.Code.ExpiresAt}
	if k.EmployeeID != 0 {
		e, err := employeeByID(tx, k.EmployeeID)
		if err != nil {
			return v, err
		}
		v.Employee, v.Email = e.FullName(), e.Email
	}
	return v, nil
}

// AssignKey ties a Ready key to an employee (T2) and returns the new code.
func (s *Store) AssignKey(who model.Actor, ref KeyRef, email string) (CodeView, error) {
	var view CodeView
	err := s.update(who, model.OpKeyAssign, func(tx *bolt.Tx, by string) error {
		k, err := s.loadKey(tx, ref)
		if err != nil {
			return err
		}
		e, err := employeeByEmail(tx, email)
		if err != nil {
			return err
		}
		ch, err := s.applyKeyEvent(tx, by, k, model.Event{Kind: model.EventAssign, Employee: &e})
		if err != nil {
			return err
		}
		view, err = s.showCode(tx, by, ch.Key)
		return err
	})
	return view, err
}

// ShowCode returns a Reserved or Suspended key's code; every showing is
// recorded.
func (s *Store) ShowCode(who model.Actor, ref KeyRef) (CodeView, error) {
	var view CodeView
	err := s.update(who, model.OpKeyCode, func(tx *bolt.Tx, by string) error {
		k, err := s.loadKey(tx, ref)
		if err != nil {
			return err
		}
		view, err = s.showCode(tx, by, k)
		return err
	})
	return view, err
}

// showCode returns a key's code for display and records that it was
// shown (SPEC 2.2: every showing is in the audit trail, also right after
// the code was issued).
func (s *Store) showCode(tx *bolt.Tx, by string, k model.Key) (CodeView, error) {
	view, err := s.codeView(tx, k)
	if err != nil {
		return view, err
	}
	return view, s.appendAudit(tx, model.AuditEntry{
		Actor: by, Action: model.ActionCodeShown, Target: keyTarget(tx, k.Serial, k.EmployeeID),
		From: k.Status, To: k.Status, KeyID: k.ID, EmployeeID: k.EmployeeID,
	})
}

// ReissueCode replaces a Reserved or Suspended key's code (T14).
func (s *Store) ReissueCode(who model.Actor, ref KeyRef) (CodeView, error) {
	return s.codeEvent(who, model.OpKeyReissue, ref, model.Event{Kind: model.EventReissue})
}

// SuspendKey freezes an Active key (T5) and returns the code that will
// bring it back.
func (s *Store) SuspendKey(who model.Actor, ref KeyRef, note string) (CodeView, error) {
	return s.codeEvent(who, model.OpKeySuspend, ref, model.Event{Kind: model.EventSuspend, Note: note})
}

// UnlockKey moves a Locked key to Suspended with a new code (T6).
func (s *Store) UnlockKey(who model.Actor, ref KeyRef) (CodeView, error) {
	return s.codeEvent(who, model.OpKeyUnlock, ref, model.Event{Kind: model.EventUnlock})
}

// RemoveKey takes a key back from its employee (T10, T11).
func (s *Store) RemoveKey(who model.Actor, ref KeyRef, reason model.Reason, note string) (model.Key, error) {
	return s.keyEvent(who, model.OpKeyRemove, ref, model.Event{Kind: model.EventRemove, Reason: reason, Note: note})
}

// CompromiseKey marks a key lost or stolen (T13); confirm is the serial the
// admin typed.
func (s *Store) CompromiseKey(who model.Actor, ref KeyRef, reason model.Reason, confirm, note string) (model.Key, error) {
	return s.keyEvent(who, model.OpKeyCompromise, ref, model.Event{Kind: model.EventCompromise, Reason: reason, Confirm: confirm, Note: note})
}

// KeyWiped returns a Deactivated key to the stock (T12).
func (s *Store) KeyWiped(who model.Actor, ref KeyRef) (model.Key, error) {
	return s.keyEvent(who, model.OpKeyWiped, ref, model.Event{Kind: model.EventWiped})
}

// DeviceEnterCode is the client software reporting a typed code (T3, T4,
// T7, T8), as passed on by who. A wrong or expired code is recorded and
// returned as an error; so is an entry refused outright (not 6 digits, or
// a key that waits for no code): every refused activation attempt is in
// the audit trail, never with what was typed.
func (s *Store) DeviceEnterCode(who model.Actor, serial, code string) (model.Key, error) {
	var ch model.Change
	var refusal error
	err := s.update(who, model.OpDeviceActivate, func(tx *bolt.Tx, _ string) error {
		refusal = nil
		k, err := s.loadKey(tx, Serial(serial))
		if err != nil {
			return err
		}
		ch, err = s.applyKeyEvent(tx, model.ActorDevice, k, model.Event{Kind: model.EventEnterCode, Code: code})
		if !model.IsRefusal(err) {
			return err
		}
		refusal = err // the model refused before anything was written
		return s.appendAudit(tx, model.AuditEntry{
			Actor: model.ActorDevice, Action: model.ActionCodeRefused, Target: keyTarget(tx, k.Serial, k.EmployeeID),
			From: k.Status, To: k.Status, Note: err.Error(), KeyID: k.ID, EmployeeID: k.EmployeeID,
		})
	})
	switch {
	case err != nil:
		return model.Key{}, err
	case refusal != nil:
		return model.Key{}, refusal
	}
	return ch.Key, ch.Failure
}

// DevicePinLocked is the client software reporting too many wrong PINs
// (T9), as passed on by who.
func (s *Store) DevicePinLocked(who model.Actor, serial string) (model.Key, error) {
	return s.keyEvent(who, model.OpDevicePinLocked, Serial(serial), model.Event{Kind: model.EventPinLocked})
}
