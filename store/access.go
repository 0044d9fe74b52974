package store

import (
	"github.com/keydesk/keydesk/model"
	bolt "go.etcd.io/bbolt"
)

// Every operation of an admin passes here first: who they are is looked
// up in the admins table in the operation's own transaction, and their
// role checked against the model's permissions table. This is the one
// place where roles are enforced, below the screens, the command line and
// the SSH server alike.

// SetBootstrap gives the store the authorized_keys file's answer to "is
// this key still listed?", so that a key removed from the file loses its
// admin rights at its next action, as one removed from the admins table
// does, and not only at its next login. keydesk serve sets it.
func (s *Store) SetBootstrap(listed func(fingerprint string) bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bootstrap = listed
}

// listed is who with Bootstrap as authorized_keys says it now: a key
// dropped from the file is no longer admitted by it. Asked before a
// command is built, so that applying the command reads no file.
func (s *Store) listed(who model.Actor) model.Actor {
	s.mu.Lock()
	listed := s.bootstrap
	s.mu.Unlock()
	if who.Bootstrap && listed != nil && !listed(who.Fingerprint) {
		who.Bootstrap = false
	}
	return who
}

// resolve fills in who's role as the database says it now. An admin on
// this machine is an admin; a key in the admins table has the role given
// there (also when authorized_keys lists it too); a key only in
// authorized_keys is an admin while the file lists it (who.Bootstrap,
// see listed).
func (s *Store) resolve(tx *bolt.Tx, who model.Actor) (model.Actor, error) {
	if who.Local() {
		who.Role = model.RoleAdmin
		return who, nil
	}
	a, found, err := adminByFingerprint(tx, who.Fingerprint)
	switch {
	case err != nil:
		return who, err
	case found:
		if err := s.checkAdminAudited(tx, a); err != nil { // adminseal.go
			return who, err
		}
		return model.SSHAdmin(a.Name, a.Fingerprint, a.Role), nil
	case who.Bootstrap:
		who.Role = model.RoleAdmin
		return who, nil
	}
	who.Role = 0
	return who, refused("%s: the key %s is no longer an admin of this database", who.Name, who.Fingerprint)
}

// permit resolves who and checks that their role allows every one of
// ops; it returns the first refused.
func (s *Store) permit(tx *bolt.Tx, who model.Actor, ops []model.Operation) (model.Actor, model.Operation, error) {
	actor, err := s.resolve(tx, who)
	if err != nil {
		return actor, ops[0], err
	}
	for _, op := range ops {
		if err := model.Permit(actor, op); err != nil {
			return actor, op, err
		}
	}
	return actor, ops[0], nil
}

// refusalEntry records an operation refused to who, never what it
// carried (a code, a password).
func refusalEntry(who model.Actor, op model.Operation, why error) model.AuditEntry {
	return model.AuditEntry{Actor: who.String(), Action: model.ActionAccessRefused, Target: op.Command(), Note: why.Error()}
}

// update runs one operation of who's, written as a closure, as a command
// in one write transaction. fn gets the actor as the audit trail names it
// and must take the time and randomness from env (s.envOf). Such a command
// cannot be encoded: an operation that is to be replayed or shipped has
// arguments of its own type (see command.go).
func (s *Store) update(who model.Actor, op model.Operation, fn func(tx *bolt.Tx, by string) error) error {
	_, err := s.exec(who, op, closureArgs{fn: fn})
	return err
}

// closureArgs make a command of a closure.
type closureArgs struct {
	fn func(tx *bolt.Tx, by string) error
}

func (a closureArgs) apply(_ *Store, tx *bolt.Tx, env *applyEnv) (any, error) {
	return nil, a.fn(tx, env.By)
}

// Check refuses, and records the refusal of, an operation who may not
// run. Operations that only read, or whose effect is outside the database
// (sending a test e-mail), call it before they start.
func (s *Store) Check(who model.Actor, op model.Operation) error {
	err := s.view(func(tx *bolt.Tx) error {
		_, _, err := s.permit(tx, s.listed(who), []model.Operation{op})
		return err
	})
	if !model.IsRefusal(err) {
		return err
	}
	_, err = s.exec(who, op, checkArgs{})
	return err
}

// checkArgs are a command that only checks the role: refused, it leaves
// its audit entry; allowed, it writes nothing.
type checkArgs struct{}

func (checkArgs) apply(*Store, *bolt.Tx, *applyEnv) (any, error) { return nil, nil }

// viewAs runs a read that who's role must allow.
func (s *Store) viewAs(who model.Actor, op model.Operation, fn func(tx *bolt.Tx) error) error {
	if err := s.Check(who, op); err != nil {
		return err
	}
	return s.view(fn)
}

// Resolve says who is, as the admins table says it now: screens show the
// role and offer only what it allows.
func (s *Store) Resolve(who model.Actor) (model.Actor, error) {
	return viewValue(s, func(tx *bolt.Tx) (model.Actor, error) { return s.resolve(tx, s.listed(who)) })
}
