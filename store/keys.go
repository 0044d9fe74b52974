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
	env, err := s.envOf(tx)
	if err != nil {
		return model.Change{}, err
	}
	if ev.Now.IsZero() {
		ev.Now = env.Now
	}
	ev.Random = env.Random
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
		stored = model.Key{} // a new key: nothing index.Entry yet
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

// keyEventArgs are an event on one key: the model's event, less what the
// command fixes (time, randomness).
type keyEventArgs struct {
	Ref     KeyRef
	Kind    model.EventKind
	Reason  model.Reason
	Note    string
	Confirm string
	// ShowCode: the event issues a code, returned for display and recorded
	// as shown.
	ShowCode bool
}

// keyEventResult is a key event's answer: the key, or the code shown.
type keyEventResult struct {
	Key  model.Key
	Code CodeView
}

func (a keyEventArgs) apply(s *Store, tx *bolt.Tx, env *applyEnv) (any, error) {
	by := env.By
	if a.Kind == model.EventPinLocked {
		by = model.ActorDevice // what the device reports is the device's doing
	}
	k, err := s.loadKey(tx, a.Ref)
	if err != nil {
		return nil, err
	}
	ch, err := s.applyKeyEvent(tx, by, k, model.Event{Kind: a.Kind, Reason: a.Reason, Note: a.Note, Confirm: a.Confirm})
	if err != nil {
		return nil, err
	}
	if a.ShowCode {
		view, err := s.showCode(tx, by, ch.Key)
		return keyEventResult{Key: ch.Key, Code: view}, err
	}
	if ch.Failure != nil {
		return committedRefusal{value: keyEventResult{Key: ch.Key}, err: ch.Failure}, nil
	}
	return keyEventResult{Key: ch.Key}, nil
}

// keyEvent runs one event on one key as one command. A Failure (wrong
// code) is stored, then returned as the error.
func (s *Store) keyEvent(who model.Actor, op model.Operation, args keyEventArgs) (model.Key, error) {
	r, err := execAs[keyEventResult](s, who, op, args)
	return r.Key, err
}

// codeEvent runs an event that issues a code and returns it for display.
func (s *Store) codeEvent(who model.Actor, op model.Operation, args keyEventArgs) (CodeView, error) {
	args.ShowCode = true
	r, err := execAs[keyEventResult](s, who, op, args)
	return r.Code, err
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

// assignArgs tie a Ready key to an employee.
type assignArgs struct {
	Ref   KeyRef
	Email string
}

func (a assignArgs) apply(s *Store, tx *bolt.Tx, env *applyEnv) (any, error) {
	k, err := s.loadKey(tx, a.Ref)
	if err != nil {
		return nil, err
	}
	e, err := employeeByEmail(tx, a.Email)
	if err != nil {
		return nil, err
	}
	ch, err := s.applyKeyEvent(tx, env.By, k, model.Event{Kind: model.EventAssign, Employee: &e})
	if err != nil {
		return nil, err
	}
	return s.showCode(tx, env.By, ch.Key)
}

// AssignKey ties a Ready key to an employee (T2) and returns the new code.
func (s *Store) AssignKey(who model.Actor, ref KeyRef, email string) (CodeView, error) {
	return execAs[CodeView](s, who, model.OpKeyAssign, assignArgs{Ref: ref, Email: email})
}

// showCodeArgs show a key's code.
type showCodeArgs struct{ Ref KeyRef }

func (a showCodeArgs) apply(s *Store, tx *bolt.Tx, env *applyEnv) (any, error) {
	k, err := s.loadKey(tx, a.Ref)
	if err != nil {
		return nil, err
	}
	return s.showCode(tx, env.By, k)
}

// ShowCode returns a Reserved or Suspended key's code; every showing is
// recorded.
func (s *Store) ShowCode(who model.Actor, ref KeyRef) (CodeView, error) {
	return execAs[CodeView](s, who, model.OpKeyCode, showCodeArgs{Ref: ref})
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
	return s.codeEvent(who, model.OpKeyReissue, keyEventArgs{Ref: ref, Kind: model.EventReissue})
}

// SuspendKey freezes an Active key (T5) and returns the code that will
// bring it back.
func (s *Store) SuspendKey(who model.Actor, ref KeyRef, note string) (CodeView, error) {
	return s.codeEvent(who, model.OpKeySuspend, keyEventArgs{Ref: ref, Kind: model.EventSuspend, Note: note})
}

// UnlockKey moves a Locked key to Suspended with a new code (T6).
func (s *Store) UnlockKey(who model.Actor, ref KeyRef) (CodeView, error) {
	return s.codeEvent(who, model.OpKeyUnlock, keyEventArgs{Ref: ref, Kind: model.EventUnlock})
}

// RemoveKey takes a key back from its employee (T10, T11).
func (s *Store) RemoveKey(who model.Actor, ref KeyRef, reason model.Reason, note string) (model.Key, error) {
	return s.keyEvent(who, model.OpKeyRemove, keyEventArgs{Ref: ref, Kind: model.EventRemove, Reason: reason, Note: note})
}

// CompromiseKey marks a key lost or stolen (T13); confirm is the serial the
// admin typed.
func (s *Store) CompromiseKey(who model.Actor, ref KeyRef, reason model.Reason, confirm, note string) (model.Key, error) {
	return s.keyEvent(who, model.OpKeyCompromise, keyEventArgs{Ref: ref, Kind: model.EventCompromise, Reason: reason, Confirm: confirm, Note: note})
}

// KeyWiped returns a Deactivated key to the stock (T12).
func (s *Store) KeyWiped(who model.Actor, ref KeyRef) (model.Key, error) {
	return s.keyEvent(who, model.OpKeyWiped, keyEventArgs{Ref: ref, Kind: model.EventWiped})
}

// enterCodeArgs are a code typed on a key's client software.
type enterCodeArgs struct {
	Serial string
	Code   string
}

func (a enterCodeArgs) apply(s *Store, tx *bolt.Tx, _ *applyEnv) (any, error) {
	k, err := s.loadKey(tx, Serial(a.Serial))
	if err != nil {
		return nil, err
	}
	ch, err := s.applyKeyEvent(tx, model.ActorDevice, k, model.Event{Kind: model.EventEnterCode, Code: a.Code})
	if !model.IsRefusal(err) {
		if err == nil && ch.Failure != nil {
			return committedRefusal{value: ch.Key, err: ch.Failure}, nil
		}
		return ch.Key, err
	}
	// The model refused before anything was written.
	return committedRefusal{value: model.Key{}, err: err}, s.appendAudit(tx, model.AuditEntry{
		Actor: model.ActorDevice, Action: model.ActionCodeRefused, Target: keyTarget(tx, k.Serial, k.EmployeeID),
		From: k.Status, To: k.Status, Note: err.Error(), KeyID: k.ID, EmployeeID: k.EmployeeID,
	})
}

// DeviceEnterCode is the client software reporting a typed code (T3, T4,
// T7, T8), as passed on by who. A wrong or expired code is recorded and
// returned as an error; so is an entry refused outright (not 6 digits, or
// a key that waits for no code): every refused activation attempt is in
// the audit trail, never with what was typed.
func (s *Store) DeviceEnterCode(who model.Actor, serial, code string) (model.Key, error) {
	return execAs[model.Key](s, who, model.OpDeviceActivate, enterCodeArgs{Serial: serial, Code: code})
}

// DevicePinLocked is the client software reporting too many wrong PINs
// (T9), as passed on by who.
func (s *Store) DevicePinLocked(who model.Actor, serial string) (model.Key, error) {
	return s.keyEvent(who, model.OpDevicePinLocked, keyEventArgs{Ref: Serial(serial), Kind: model.EventPinLocked})
}
