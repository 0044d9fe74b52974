package store

import (
	"context"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/ldapsource"
)

// SyncDirectoryLDAP syncs with the LDAP directory of the settings.
func (s *Store) SyncDirectoryLDAP(ctx context.Context, who model.Actor, opt SyncOptions) (SyncResult, error) {
	if err := s.Check(who, model.OpDirectorySync); err != nil {
		return SyncResult{}, err
	}
	set, _, err := s.directorySettings()
	if err != nil {
		return SyncResult{}, err
	}
	if !set.LDAPConfigured() {
		return SyncResult{}, refused("no LDAP directory is set up: see keydesk directory settings, or give a snapshot file")
	}
	if err := set.Validate(); err != nil {
		return SyncResult{}, err
	}
	return s.SyncDirectory(ctx, who, ldapsource.New(set), opt)
}
