package store

import (
	"time"

	"github.com/keydesk/keydesk/model"
	bolt "go.etcd.io/bbolt"
)

// LeaveEmployee marks an employee as left now, with the reason. Their key
// is not taken here: an admin removes it, or a directory sync withdraws
// it after the grace period.
func (s *Store) LeaveEmployee(who model.Actor, ref EmployeeRef, reason string) (model.Employee, error) {
	out, err := s.exec(who, model.OpEmployeeLeave, lifecycleArgs{Ref: ref, Kind: uint8(model.EmployeeLeave), Reason: reason})
	e, _ := out.(model.Employee)
	return e, err
}

// ReturnEmployee undoes a leaving: the employee is active again.
func (s *Store) ReturnEmployee(who model.Actor, ref EmployeeRef) (model.Employee, error) {
	out, err := s.exec(who, model.OpEmployeeReturn, lifecycleArgs{Ref: ref, Kind: uint8(model.EmployeeReturn)})
	e, _ := out.(model.Employee)
	return e, err
}

// lifecycleArgs move an employee through their lifecycle.
type lifecycleArgs struct {
	Ref    EmployeeRef
	Kind   uint8 // model.EmployeeEventKind
	Reason string
}

func (a lifecycleArgs) apply(s *Store, tx *bolt.Tx, env *applyEnv) (any, error) {
	e, err := s.loadEmployee(tx, a.Ref)
	if err != nil {
		return nil, err
	}
	return s.employeeEvent(tx, env, e, model.EmployeeEvent{Kind: model.EmployeeEventKind(a.Kind), At: env.Now, Reason: a.Reason}, "")
}

// employeeEvent is the one path of every change of an employee's
// lifecycle: the model decides, the record and its audit entry are
// written in the caller's transaction. note adds to the entry's note.
func (s *Store) employeeEvent(tx *bolt.Tx, env *applyEnv, e model.Employee, ev model.EmployeeEvent, note string) (model.Employee, error) {
	next, action, err := model.EmployeeTransition(e, ev)
	if err != nil {
		return e, err
	}
	if err := putEmployee(tx, e, &next); err != nil {
		return e, err
	}
	text := next.LeftReason + " (left on " + next.LeftAt.Format(time.DateOnly) + ")"
	if action == model.ActionEmployeeReturned {
		text = "left on " + e.LeftAt.UTC().Format(time.DateOnly) + " (" + e.LeftReason + ")"
	}
	if note != "" {
		text += "; " + note
	}
	return next, s.appendAudit(tx, model.AuditEntry{
		Time: env.Now, Actor: env.By, Action: action, Target: "employee " + next.Email, Note: text, EmployeeID: next.ID,
	})
}

// withdrawLeaverKey takes back a leaver's key through the transition
// table (Active, Locked, Suspended to Deactivated, Withdrawal; a Reserved
// key, never activated, back to Ready with its code voided).
func (s *Store) withdrawLeaverKey(tx *bolt.Tx, env *applyEnv, e model.Employee) (model.Key, error) {
	k, err := s.keyByID(tx, e.KeyID)
	if err != nil {
		return k, err
	}
	note := "employee left on " + e.LeftAt.UTC().Format(time.DateOnly)
	ch, err := s.applyKeyEvent(tx, env.By, k, model.Event{Kind: model.EventRemove, Reason: model.Withdrawal, Note: note, Now: env.Now})
	return ch.Key, err
}
