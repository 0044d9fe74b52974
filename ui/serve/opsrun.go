package serve

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/keydesk/keydesk/store/osfile"

	"github.com/charmbracelet/log"

	"github.com/keydesk/keydesk/ui/serve/metrics"
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

// startOps starts what OpsConfig asks for beside the SSH server s, and
// returns the function that stops it and waits for it (a backup being
// written is finished, never cut).
func startOps(ctx context.Context, cfg Config, s *server, logger *log.Logger) (stop func(), err error) {
	s.stopping = ctx.Done() // Run's context ends when shutdown begins
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var stops []func()
	stop = func() {
		cancel()
		wg.Wait()
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}
	fail := func(err error) (func(), error) { stop(); return nil, err }

	var m *metrics.Metrics
	if cfg.MetricsListen != "" {
		m = metrics.New()
		ln, err := net.Listen("tcp", cfg.MetricsListen)
		if err != nil {
			return fail(fmt.Errorf("cannot listen for metrics on %s: %v", cfg.MetricsListen, osfile.Innermost(err)))
		}
		cfg.Store.SetObserver(m)
		s.obs, s.handshakes.dropped = m, m.HandshakeDropped
		mux := http.NewServeMux()
		mux.Handle("/metrics", m.Handler())
		srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 10 * time.Second,
			WriteTimeout: 30 * time.Second, MaxHeaderBytes: 16 << 10}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				logger.Error("the metrics server stopped", "err", osfile.Innermost(err))
			}
		}()
		stops = append(stops, func() { cfg.Store.SetObserver(nil) })
		// Registered before the wait, run after it: Shutdown first, so
		// that Serve returns and wg.Wait can end.
		go func() { <-ctx.Done(); srv.Close() }()
		logger.Info("serving metrics", "addr", ln.Addr().String(), "path", "/metrics")
		if cfg.MetricsReady != nil {
			cfg.MetricsReady(ln.Addr().String())
		}
	}

	if cfg.BackupDir != "" {
		if cfg.BackupEvery < time.Minute {
			return fail(fmt.Errorf("scheduled backups need --backup-every of a minute or more, not %s", cfg.BackupEvery))
		}
		if err := os.MkdirAll(cfg.BackupDir, 0o700); err != nil {
			return fail(fmt.Errorf("cannot create the backup folder %s: %v", cfg.BackupDir, osfile.Innermost(err)))
		}
		b := &backups{st: cfg.Store, dir: cfg.BackupDir, every: cfg.BackupEvery, keep: cfg.BackupKeep, clock: cfg.Clock, log: logger}
		if m != nil {
			b.done = m.ScheduledBackup
		}
		logger.Info("scheduled backups", "dir", cfg.BackupDir, "every", cfg.BackupEvery, "keep", cfg.BackupKeep)
		wg.Add(1)
		go func() { defer wg.Done(); b.run(ctx) }()
	}
	return stop, nil
}
