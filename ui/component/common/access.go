package common

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/model"
)

// Access is who the session acts as, with their role as the store last
// resolved it (store.Resolve, at the start and after every change in the
// store). Every screen holds the same one and asks it before offering an
// action, so a role changed while the session is open counts at its next
// action. The store checks again when the action runs.
type Access struct {
	actor   model.Actor
	removed error // why the key is no longer an admin; nil while it is
}

// NewAccess starts with the role the session was opened with.
func NewAccess(actor model.Actor) *Access { return &Access{actor: actor} }

// Actor is who the session acts as, named as the admins table names them.
func (a *Access) Actor() model.Actor { return a.actor }

// Role is the session's role; 0 once the key is no longer an admin.
func (a *Access) Role() model.Role { return a.actor.Role }

// May reports whether the role allows op (model.Permitted).
func (a *Access) May(op model.Operation) bool { return model.Permitted(a.actor.Role, op) }

// Resolved records what the store answered: the actor with their role
// now, or the refusal of a key that is no longer an admin.
func (a *Access) Resolved(actor model.Actor, refusal error) {
	if refusal != nil {
		a.actor.Role, a.removed = 0, refusal
		return
	}
	a.actor, a.removed = actor, nil
}

// Removed is why the session's key is no longer an admin, or nil.
func (a *Access) Removed() error { return a.removed }

// Guarded is a key that starts an operation: it is offered, and works,
// only where the session's role allows the operation.
type Guarded struct {
	key.Binding
	Op model.Operation
}

// Guard ties a binding to the operation it starts.
func Guard(b key.Binding, op model.Operation) Guarded { return Guarded{Binding: b, Op: op} }

// Pressed reports whether msg is g's key and the role allows g.
func (a *Access) Pressed(msg tea.KeyMsg, g Guarded) bool {
	return a.May(g.Op) && key.Matches(msg, g.Binding)
}

// Offered keeps the keys whose operations the role allows, in order, for
// the footer, the help and a page's action line.
func (a *Access) Offered(gs ...Guarded) []key.Binding {
	var out []key.Binding
	for _, g := range gs {
		if a.May(g.Op) {
			out = append(out, g.Binding)
		}
	}
	return out
}
