package serve

import (
	"context"
	"github.com/charmbracelet/log"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
)

// directorySyncActor is who the scheduled sync acts as in the audit
// trail: the serve process, an admin of its own database.
var directorySyncActor = model.LocalAdmin("directory-sync (scheduled)")

// directoryRetry is how soon a refused or failed scheduled sync is tried
// again: the interval's quarter, between a minute and the interval.
func directoryRetry(every time.Duration) time.Duration {
	return min(every, max(time.Minute, every/4))
}

// runDirectorySync syncs with the LDAP directory every interval, with the
// same rules as an admin's sync: a refusal is audited, shown in every
// session's header (the store keeps it), logged, and retried sooner.
func runDirectorySync(ctx context.Context, st *store.Store, every time.Duration, logger *log.Logger) {
	wait := time.Duration(0) // the first run at start
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		res, err := st.SyncDirectoryLDAP(ctx, directorySyncActor, store.SyncOptions{})
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			wait = directoryRetry(every)
			logger.Warn("directory sync refused; retrying", "in", wait, "why", err.Error())
		default:
			wait = every
			logger.Info("directory synced", "source", res.Source, "result", res.Plan.Summary())
		}
	}
}
