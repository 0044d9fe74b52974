package model

import (
	"fmt"
	"strings"
)

// Role is what an admin may do (SPEC 9): the permissions table says which
// operations each role allows.
type Role uint8

const (
	RoleAdmin    Role = iota + 1 // everything
	RoleHelpdesk                 // reads, and the codes of people on the phone
	RoleAuditor                  // reads only, the audit trail included
)

// Roles lists every role in the order lists and help show them.
var Roles = []Role{RoleAdmin, RoleHelpdesk, RoleAuditor}

var roleNames = [...]string{"", "admin", "helpdesk", "auditor"}

func (r Role) String() string {
	if int(r) < len(roleNames) {
		return roleNames[r]
	}
	return fmt.Sprintf("Role(%d)", uint8(r))
}

// Valid reports whether r is one of the three roles.
func (r Role) Valid() bool { return r >= RoleAdmin && r <= RoleAuditor }

// ParseRole reads a role as an admin types it.
func ParseRole(word string) (Role, error) {
	w := strings.ToLower(strings.TrimSpace(word))
	for _, r := range Roles {
		if r.String() == w {
			return r, nil
		}
	}
	return 0, fmt.Errorf("role must be admin, helpdesk or auditor, not %q", Printable(word))
}

// noun is the role as "... needs an admin" says it.
func (r Role) noun() string {
	switch r {
	case RoleAdmin:
		return "an admin"
	case RoleAuditor:
		return "an auditor"
	}
	return r.String()
}
