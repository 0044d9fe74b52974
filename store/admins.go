package store

import (
	"sort"
	"time"

	"github.com/keydesk/keydesk/model"
	bolt "go.etcd.io/bbolt"
)

// The admins table (schema 4): who may use keydesk over SSH, by public
// key, and with which role. authorized_keys stays the bootstrap: a key
// found only there is an admin (see resolve).
var (
	bucketAdmins   = []byte("admins")        // name -> admin record
	bucketAdminKey = []byte("idx_admin_key") // fingerprint -> name
)

// migrateAdmins (schema 3 -> 4) makes the admins table.
func migrateAdmins(tx *bolt.Tx) error {
	for _, name := range [][]byte{bucketAdmins, bucketAdminKey} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	return nil
}

func encodeAdmin(a model.Admin) []byte {
	e := newEncoder(recordFormat)
	e.str(a.Name)
	e.uint(uint64(a.Role))
	e.str(a.Key)
	e.str(a.Fingerprint)
	e.time(a.AddedAt)
	e.time(a.LastSeen)
	e.uint(a.Rev)
	return e.buf
}

func decodeAdmin(b []byte) (model.Admin, error) {
	d := newDecoder(b, recordFormat)
	a := model.Admin{Name: d.str(), Role: model.Role(d.uint()), Key: d.str(), Fingerprint: d.str(),
		AddedAt: d.time(), LastSeen: d.time(), Rev: d.uint()}
	if d.err == nil && !a.Role.Valid() {
		d.err = errCorrupt
	}
	return a, d.err
}

func adminByName(tx *bolt.Tx, name string) (model.Admin, error) {
	norm, err := model.NormalizeAdminName(name)
	if err != nil {
		return model.Admin{}, refused("%s", err)
	}
	raw := tx.Bucket(bucketAdmins).Get([]byte(norm))
	if raw == nil {
		return model.Admin{}, refused("there is no admin named %s", norm)
	}
	return decodeAdmin(raw)
}

func adminByFingerprint(tx *bolt.Tx, fingerprint string) (model.Admin, bool, error) {
	name := tx.Bucket(bucketAdminKey).Get([]byte(fingerprint))
	if name == nil {
		return model.Admin{}, false, nil
	}
	raw := tx.Bucket(bucketAdmins).Get(name)
	if raw == nil {
		return model.Admin{}, false, errCorrupt
	}
	a, err := decodeAdmin(raw)
	return a, err == nil, err
}

func putAdmin(tx *bolt.Tx, old model.Admin, a *model.Admin) error {
	a.Rev = old.Rev + 1
	if err := tx.Bucket(bucketAdmins).Put([]byte(a.Name), encodeAdmin(*a)); err != nil {
		return err
	}
	return reindex(tx.Bucket(bucketAdminKey), old.Fingerprint, a.Fingerprint, []byte(a.Name))
}

// roleCounts counts the admins of each role.
func roleCounts(tx *bolt.Tx) (map[model.Role]int, error) {
	n := map[model.Role]int{}
	err := tx.Bucket(bucketAdmins).ForEach(func(_, v []byte) error {
		a, err := decodeAdmin(v)
		if err != nil {
			return err
		}
		n[a.Role]++
		return nil
	})
	return n, err
}

func adminTarget(name string) string { return "admin " + name }

// AddAdmin lets a new person in over SSH with the given public key (one
// line in authorized_keys form) and role.
func (s *Store) AddAdmin(who model.Actor, name string, role model.Role, keyLine string) (model.Admin, error) {
	var out model.Admin
	err := s.update(who, model.OpAdminAdd, func(tx *bolt.Tx, by string) error {
		norm, err := model.NormalizeAdminName(name)
		if err != nil {
			return refused("%s", err)
		}
		if !role.Valid() {
			return refused("role must be admin, helpdesk or auditor")
		}
		key, err := model.ParseAdminKey(keyLine)
		if err != nil {
			return refused("%s", err)
		}
		if tx.Bucket(bucketAdmins).Get([]byte(norm)) != nil {
			return refused("there is already an admin named %s", norm)
		}
		if holder := tx.Bucket(bucketAdminKey).Get([]byte(key.Fingerprint)); holder != nil {
			return refused("the key %s is already %s's: a key belongs to one admin only", key.Fingerprint, holder)
		}
		a := model.Admin{Name: norm, Role: role, Key: key.Key, Fingerprint: key.Fingerprint, AddedAt: s.now()}
		if err := putAdmin(tx, model.Admin{}, &a); err != nil {
			return err
		}
		out = a
		return s.appendAudit(tx, model.AuditEntry{Actor: by, Action: model.ActionAdminAdded, Target: adminTarget(a.Name),
			Note: "role " + role.String() + ", key " + a.Fingerprint})
	})
	return out, err
}

// SetAdminRole changes an admin's role; it takes effect at their next
// action, also in a session already open. The last admin keeps the role.
func (s *Store) SetAdminRole(who model.Actor, name string, role model.Role) (model.Admin, error) {
	var out model.Admin
	err := s.update(who, model.OpAdminRole, func(tx *bolt.Tx, by string) error {
		if !role.Valid() {
			return refused("role must be admin, helpdesk or auditor")
		}
		old, err := adminByName(tx, name)
		if err != nil {
			return err
		}
		if old.Role == role {
			return refused("%s is %s already", old.Name, role)
		}
		if err := keepLastAdmin(tx, old, "demoted"); err != nil {
			return err
		}
		a := old
		a.Role = role
		if err := putAdmin(tx, old, &a); err != nil {
			return err
		}
		out = a
		return s.appendAudit(tx, model.AuditEntry{Actor: by, Action: model.ActionAdminRole, Target: adminTarget(a.Name),
			Note: old.Role.String() + " -> " + role.String()})
	})
	return out, err
}

// RemoveAdmin shuts an admin out and returns who they were; the last
// admin stays.
func (s *Store) RemoveAdmin(who model.Actor, name string) (model.Admin, error) {
	var removed model.Admin
	err := s.update(who, model.OpAdminRemove, func(tx *bolt.Tx, by string) error {
		a, err := adminByName(tx, name)
		if err != nil {
			return err
		}
		removed = a
		if err := keepLastAdmin(tx, a, "removed"); err != nil {
			return err
		}
		if err := tx.Bucket(bucketAdmins).Delete([]byte(a.Name)); err != nil {
			return err
		}
		if err := tx.Bucket(bucketAdminKey).Delete([]byte(a.Fingerprint)); err != nil {
			return err
		}
		return s.appendAudit(tx, model.AuditEntry{Actor: by, Action: model.ActionAdminRemoved, Target: adminTarget(a.Name),
			Note: "was " + a.Role.String() + ", key " + a.Fingerprint})
	})
	return removed, err
}

// keepLastAdmin refuses to take away the role of the only admin left in
// the table: nobody could manage the others any more.
func keepLastAdmin(tx *bolt.Tx, a model.Admin, done string) error {
	if a.Role != model.RoleAdmin {
		return nil
	}
	counts, err := roleCounts(tx)
	if err != nil {
		return err
	}
	if counts[model.RoleAdmin] <= 1 {
		return refused("%s is the last admin: it cannot be %s (add another admin first)", a.Name, done)
	}
	return nil
}

// Admins lists the admins by name.
func (s *Store) Admins(who model.Actor) ([]model.Admin, error) {
	var out []model.Admin
	err := s.viewAs(who, model.OpAdminList, func(tx *bolt.Tx) error {
		out = nil
		return tx.Bucket(bucketAdmins).ForEach(func(_, v []byte) error {
			a, err := decodeAdmin(v)
			out = append(out, a)
			return err
		})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, err
}

// AdminByFingerprint finds the admin who holds a key, for the SSH server
// deciding whom to let in.
func (s *Store) AdminByFingerprint(fingerprint string) (model.Admin, bool, error) {
	var (
		a     model.Admin
		found bool
	)
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		a, found, err = adminByFingerprint(tx, fingerprint)
		return err
	})
	return a, found, err
}

// lastSeenStep is how stale "last seen" may get: writing it at every one
// of many short SSH sessions would double the writes for nothing.
const lastSeenStep = time.Minute

// AdminSeen notes that the admin of a key logged in. It is bookkeeping,
// not a change anyone made, so it has no audit entry.
func (s *Store) AdminSeen(fingerprint string) error {
	now := s.now()
	a, found, err := s.AdminByFingerprint(fingerprint)
	if err != nil || !found || now.Sub(a.LastSeen) < lastSeenStep {
		return err
	}
	return s.commit(func(tx *bolt.Tx) error {
		old, found, err := adminByFingerprint(tx, fingerprint)
		if err != nil || !found {
			return err
		}
		a := old
		a.LastSeen = now
		return putAdmin(tx, old, &a)
	})
}
