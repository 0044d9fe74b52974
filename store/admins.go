package store

import (
	"sort"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/index"
	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

// The admins table (schema 4): who may use keydesk over SSH, by public
// key, and with which role. authorized_keys stays the bootstrap: a key
// found only there is an admin (see resolve).
var (
	bucketAdmins   = []byte("admins")        // name -> admin record
	bucketAdminKey = []byte("idx_admin_key") // fingerprint -> name
)

func encodeAdmin(a model.Admin) []byte {
	e := record.NewEncoder(record.Format1)
	e.Str(a.Name)
	e.Uint(uint64(a.Role))
	e.Str(a.Key)
	e.Str(a.Fingerprint)
	e.Time(a.AddedAt)
	e.Time(a.LastSeen)
	e.Uint(a.Rev)
	return e.Buf
}

func decodeAdmin(b []byte) (model.Admin, error) {
	d := record.NewDecoder(b, record.Format1)
	a := model.Admin{Name: d.Str(), Role: model.Role(d.Uint()), Key: d.Str(), Fingerprint: d.Str(),
		AddedAt: d.Time(), LastSeen: d.Time(), Rev: d.Uint()}
	if d.Err() == nil && !a.Role.Valid() {
		d.Fail()
	}
	return a, d.Err()
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
	a, err := decodeAdmin(raw)
	return a, record.Damaged(bucketAdmins, []byte(norm), err)
}

func adminByFingerprint(tx *bolt.Tx, fingerprint string) (model.Admin, bool, error) {
	name := tx.Bucket(bucketAdminKey).Get([]byte(fingerprint))
	if name == nil {
		return model.Admin{}, false, nil
	}
	raw := tx.Bucket(bucketAdmins).Get(name)
	if raw == nil {
		return model.Admin{}, false, record.Damaged(bucketAdminKey, []byte(fingerprint), record.ErrCorrupt)
	}
	a, err := decodeAdmin(raw)
	if err == nil && a.Fingerprint != fingerprint {
		err = record.ErrCorrupt // the index leads a key to someone else's record: not written by keydesk
	}
	return a, err == nil, record.Damaged(bucketAdmins, name, err)
}

func putAdmin(tx *bolt.Tx, old model.Admin, a *model.Admin) error {
	a.Rev = old.Rev + 1
	if err := tx.Bucket(bucketAdmins).Put([]byte(a.Name), encodeAdmin(*a)); err != nil {
		return err
	}
	noteWrite(tx, sealAdmin, []byte(a.Name))
	return index.Reindex(tx.Bucket(bucketAdminKey), old.Fingerprint, a.Fingerprint, []byte(a.Name))
}

// roleCounts counts the admins of each role.
func roleCounts(tx *bolt.Tx) (map[model.Role]int, error) {
	n := map[model.Role]int{}
	err := tx.Bucket(bucketAdmins).ForEach(func(k, v []byte) error {
		a, err := decodeAdmin(v)
		if err != nil {
			return record.Damaged(bucketAdmins, k, err)
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
	return execAs[model.Admin](s, who, model.OpAdminAdd, addAdminArgs{Name: name, Role: role, KeyLine: keyLine})
}

// addAdminArgs let a new admin in.
type addAdminArgs struct {
	Name    string
	Role    model.Role
	KeyLine string
}

func (a addAdminArgs) apply(s *Store, tx *bolt.Tx, env *applyEnv) (any, error) {
	norm, err := model.NormalizeAdminName(a.Name)
	if err != nil {
		return nil, refused("%s", err)
	}
	if !a.Role.Valid() {
		return nil, refused("role must be admin, helpdesk or auditor")
	}
	key, err := model.ParseAdminKey(a.KeyLine)
	if err != nil {
		return nil, refused("%s", err)
	}
	if tx.Bucket(bucketAdmins).Get([]byte(norm)) != nil {
		return nil, refused("there is already an admin named %s", norm)
	}
	if holder := tx.Bucket(bucketAdminKey).Get([]byte(key.Fingerprint)); holder != nil {
		return nil, refused("the key %s is already %s's: a key belongs to one admin only", key.Fingerprint, holder)
	}
	admin := model.Admin{Name: norm, Role: a.Role, Key: key.Key, Fingerprint: key.Fingerprint, AddedAt: env.Now}
	if err := putAdmin(tx, model.Admin{}, &admin); err != nil {
		return nil, err
	}
	return admin, s.appendAudit(tx, model.AuditEntry{Actor: env.By, Action: model.ActionAdminAdded, Target: adminTarget(admin.Name),
		Note: "role " + a.Role.String() + ", key " + admin.Fingerprint})
}

// SetAdminRole changes an admin's role; it takes effect at their next
// action, also in a session already open. The last admin keeps the role.
func (s *Store) SetAdminRole(who model.Actor, name string, role model.Role) (model.Admin, error) {
	return execAs[model.Admin](s, who, model.OpAdminRole, adminRoleArgs{Name: name, Role: role})
}

// adminRoleArgs change an admin's role.
type adminRoleArgs struct {
	Name string
	Role model.Role
}

func (a adminRoleArgs) apply(s *Store, tx *bolt.Tx, env *applyEnv) (any, error) {
	if !a.Role.Valid() {
		return nil, refused("role must be admin, helpdesk or auditor")
	}
	old, err := adminByName(tx, a.Name)
	if err != nil {
		return nil, err
	}
	if old.Role == a.Role {
		return nil, refused("%s is %s already", old.Name, a.Role)
	}
	if err := keepLastAdmin(tx, old, "demoted"); err != nil {
		return nil, err
	}
	admin := old
	admin.Role = a.Role
	if err := putAdmin(tx, old, &admin); err != nil {
		return nil, err
	}
	return admin, s.appendAudit(tx, model.AuditEntry{Actor: env.By, Action: model.ActionAdminRole, Target: adminTarget(admin.Name),
		Note: old.Role.String() + " -> " + a.Role.String()})
}

// RemoveAdmin shuts an admin out and returns who they were; the last
// admin stays.
func (s *Store) RemoveAdmin(who model.Actor, name string) (model.Admin, error) {
	return execAs[model.Admin](s, who, model.OpAdminRemove, removeAdminArgs{Name: name})
}

// removeAdminArgs shut an admin out.
type removeAdminArgs struct{ Name string }

func (r removeAdminArgs) apply(s *Store, tx *bolt.Tx, env *applyEnv) (any, error) {
	a, err := adminByName(tx, r.Name)
	if err != nil {
		return nil, err
	}
	if err := keepLastAdmin(tx, a, "removed"); err != nil {
		return nil, err
	}
	if err := tx.Bucket(bucketAdmins).Delete([]byte(a.Name)); err != nil {
		return nil, err
	}
	noteWrite(tx, sealAdmin, []byte(a.Name))
	if err := tx.Bucket(bucketAdminKey).Delete([]byte(a.Fingerprint)); err != nil {
		return nil, err
	}
	return a, s.appendAudit(tx, model.AuditEntry{Actor: env.By, Action: model.ActionAdminRemoved, Target: adminTarget(a.Name),
		Note: "was " + a.Role.String() + ", key " + a.Fingerprint})
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
		return tx.Bucket(bucketAdmins).ForEach(func(k, v []byte) error {
			a, err := decodeAdmin(v)
			out = append(out, a)
			return record.Damaged(bucketAdmins, k, err)
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
		if err == nil && found {
			err = s.checkAdminAudited(tx, a) // adminseal.go
		}
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
	cmd, err := s.newCommand(model.Actor{}, 0, adminSeenArgs{Fingerprint: fingerprint})
	if err != nil {
		return err
	}
	cmd.Time = now
	_, err = s.execCommand(cmd)
	return err
}

// adminSeenArgs note an admin's login: bookkeeping.
type adminSeenArgs struct{ Fingerprint string }

func (adminSeenArgs) bookkeeping() {}

func (a adminSeenArgs) apply(_ *Store, tx *bolt.Tx, env *applyEnv) (any, error) {
	old, found, err := adminByFingerprint(tx, a.Fingerprint)
	if err != nil || !found {
		return nil, err
	}
	admin := old
	admin.LastSeen = env.Now
	return nil, putAdmin(tx, old, &admin)
}
