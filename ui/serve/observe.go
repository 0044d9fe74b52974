package serve

import (
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/serve/metrics"
)

// serverObserver hears what the SSH server does, for metrics.
type serverObserver interface {
	SessionOpened(role model.Role)
	SessionClosed(role model.Role)
	SessionRefused()
	HandshakeDropped(cause string)
}

// noObserver is the observer when metrics are off.
type noObserver struct{}

func (noObserver) SessionOpened(model.Role) {}
func (noObserver) SessionClosed(model.Role) {}
func (noObserver) SessionRefused()          {}
func (noObserver) HandshakeDropped(string)  {}

// The causes a handshake is dropped for, as metrics name them.
const (
	dropPerHostCap = metrics.CausePerHostCap
	dropTotalCap   = metrics.CauseTotalCap
	dropGrace      = metrics.CauseLoginGrace
)

// observe tells the observer of one session for its whole life, by the
// role the database gives its admin now, and returns the function to
// call when it ends.
func (s *server) observeSession(actor model.Actor) (ended func()) {
	role := model.RoleAdmin // a key only in authorized_keys
	if resolved, err := s.cfg.Store.Resolve(actor); err == nil && resolved.Role.Valid() {
		role = resolved.Role
	}
	s.obs.SessionOpened(role)
	return func() { s.obs.SessionClosed(role) }
}

func (hs *handshakes) drop(cause string) {
	if hs.dropped != nil {
		hs.dropped(cause)
	}
}
