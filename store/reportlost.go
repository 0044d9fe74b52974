package store

import (
	"github.com/keydesk/keydesk/model"
)

// ReportLost is the helpdesk's answer to "I lost my key": the key is
// suspended through the transition table (T15) so that it stops working,
// with a code nobody is shown, the caller's words kept as its note, and
// it waits, flagged, for an admin to mark it compromised (or remove it,
// if it turns up). Nothing is returned that a screen could show as a
// code.
func (s *Store) ReportLost(who model.Actor, ref KeyRef, callerSaid string) (model.Key, error) {
	k, err := s.keyEvent(who, model.OpKeyReportLost, keyEventArgs{Ref: ref, Kind: model.EventReportLost, Note: callerSaid})
	k.Code = nil
	return k, err
}
