package serve

import (
	"time"
)

// OpsConfig is what an operator sets to run serve for years: scheduled
// backups, metrics, the log's format. It is part of Config.
type OpsConfig struct {
	// BackupDir, when set, gets a verified copy of the database every
	// BackupEvery (0 = 24 h); the newest BackupKeep (0 = 14) are kept.
	BackupDir   string
	BackupEvery time.Duration
	BackupKeep  int
	// MetricsListen, when set, is the address Prometheus metrics are
	// served on (/metrics); MetricsReady is told the real address.
	MetricsListen string
	MetricsReady  func(addr string)
	// LogFormat is "text" (the default) or "json": one JSON object a line.
	LogFormat string
	// Clock is the scheduler's time; nil is the real one. Tests move it.
	Clock Clock
}

// Clock is the time the backup scheduler reads and waits on.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now().UTC() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

const (
	defaultBackupEvery = 24 * time.Hour
	defaultBackupKeep  = 14
)

func (o *OpsConfig) fillOpsDefaults() {
	positiveOr(&o.BackupEvery, defaultBackupEvery)
	positiveOr(&o.BackupKeep, defaultBackupKeep)
	if o.Clock == nil {
		o.Clock = realClock{}
	}
	if o.LogFormat == "" {
		o.LogFormat = "text"
	}
}
