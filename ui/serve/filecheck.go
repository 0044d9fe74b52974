package serve

import (
	"context"
	"time"

	"github.com/charmbracelet/log"

	"github.com/keydesk/keydesk/store"
)

// defaultFileCheckInterval is how often serve looks, between writes,
// whether its database's path still names the file it holds (every write
// also checks, before it is acknowledged: see store.CheckFile).
const defaultFileCheckInterval = 2 * time.Second

// watchFile checks the database file every interval until ctx ends, and
// logs once, loudly, when the path no longer names the open file.
func watchFile(ctx context.Context, st *store.Store, interval time.Duration, logger *log.Logger) {
	every(ctx, interval, func() bool {
		err := st.CheckFile()
		if err != nil {
			logger.Error("the database file is gone: every change is refused from now on", "path", st.Path(), "what to do", err.Error())
		}
		return err == nil
	})
}
