package serve

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/charmbracelet/log"

	"github.com/keydesk/keydesk/store"
)

// newLogger is serve's log: text for a person, or JSON lines (with
// time, level, msg and the pairs as fields) for journald and shippers.
func newLogger(cfg Config) *log.Logger {
	opts := log.Options{ReportTimestamp: true, Prefix: "keydesk serve"}
	if cfg.LogFormat == "json" {
		opts.Formatter = log.JSONFormatter
		opts.Prefix = ""
	}
	return log.NewWithOptions(cfg.Log, opts)
}

// startOps starts what OpsConfig asks for beside the SSH server, and
// returns the function that stops it and waits for it (a backup being
// written is finished, never cut).
func startOps(ctx context.Context, cfg Config, st *store.Store, logger *log.Logger) (stop func(), err error) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	stop = func() { cancel(); wg.Wait() }
	if cfg.BackupDir != "" {
		if cfg.BackupEvery < time.Minute {
			stop()
			return nil, fmt.Errorf("scheduled backups need --backup-every of a minute or more, not %s", cfg.BackupEvery)
		}
		if err := os.MkdirAll(cfg.BackupDir, 0o700); err != nil {
			stop()
			return nil, fmt.Errorf("cannot create the backup folder %s: %v", cfg.BackupDir, innermost(err))
		}
		b := &backups{st: st, dir: cfg.BackupDir, every: cfg.BackupEvery, keep: cfg.BackupKeep, clock: cfg.Clock, log: logger}
		logger.Info("scheduled backups", "dir", cfg.BackupDir, "every", cfg.BackupEvery, "keep", cfg.BackupKeep)
		wg.Add(1)
		go func() { defer wg.Done(); b.run(ctx) }()
	}
	return stop, nil
}
