package model

import "strings"

// Actor is who asks for an operation: an admin on this machine, or an
// admin over SSH known by the public key the session proved. The store
// fills Role from its admins table at every operation, so that a role
// changed while a session is open takes effect at its next action.
type Actor struct {
	Name        string
	Role        Role
	Fingerprint string // the SSH key's SHA256 fingerprint; "" on this machine
	// Bootstrap is set for a key admitted by the authorized_keys file
	// rather than the admins table: such a key is an admin.
	Bootstrap bool
}

// ActorDevice is the audit trail's actor for what a key's client software
// reports.
const ActorDevice = "device"

// LocalAdmin is the machine's user running keydesk directly: an admin,
// as whoever can open the file can change it anyway.
func LocalAdmin(user string) Actor {
	if user == "" {
		user = "unknown"
	}
	return Actor{Name: user, Role: RoleAdmin}
}

// SSHAdmin is an admin over SSH, by the key the session proved.
func SSHAdmin(name, fingerprint string, role Role) Actor {
	if name == "" {
		name = "unnamed key"
	}
	return Actor{Name: name, Role: role, Fingerprint: fingerprint}
}

// Local reports whether the actor works on this machine, not over SSH.
func (a Actor) Local() bool { return a.Fingerprint == "" }

// String is the actor as the audit trail names it:
// "helen (helpdesk, SHA256:...)", "ann (admin, local)".
func (a Actor) String() string {
	var parts []string
	if a.Role.Valid() {
		parts = append(parts, a.Role.String())
	}
	if a.Local() {
		parts = append(parts, "local")
	} else {
		parts = append(parts, a.Fingerprint)
	}
	return a.Name + " (" + strings.Join(parts, ", ") + ")"
}

// ActorLabel is an audit trail's actor as a narrow column shows it: the
// name and the role, without the key's fingerprint ("helen · helpdesk").
// The entry itself keeps all of it. Entries written before roles
// ("bob (SHA256:...)", "ann (local)") show the name alone.
func ActorLabel(actor string) string {
	open := strings.LastIndex(actor, " (")
	if open < 0 || !strings.HasSuffix(actor, ")") {
		return actor // "device"
	}
	name := actor[:open]
	for _, part := range strings.Split(actor[open+2:len(actor)-1], ", ") {
		for _, r := range Roles {
			if part == r.String() {
				return name + " · " + part
			}
		}
	}
	return name
}
