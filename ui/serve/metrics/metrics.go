// Package metrics is keydesk serve's Prometheus metrics: it hears the
// store (store.Observer) and the SSH server, and serves what it counted
// at /metrics. Prometheus stays here: the store and the model only offer
// plain hooks.
package metrics

import (
	"errors"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/keydesk/keydesk/model"
)

// Metrics is one serve's collectors, in a registry of its own.
type Metrics struct {
	reg *prometheus.Registry

	sessions          *prometheus.GaugeVec
	operations        *prometheus.CounterVec
	refusals          *prometheus.CounterVec
	failures          *prometheus.CounterVec
	commits           *prometheus.HistogramVec
	commitWrites      prometheus.Histogram
	handshakesDropped *prometheus.CounterVec
	sessionsRefused   prometheus.Counter
	imports           *prometheus.HistogramVec
	backups           *prometheus.HistogramVec
	scheduledFailures prometheus.Counter
	lastScheduled     prometheus.Gauge
}

// Roles, operations and causes are known up front: every series exists
// from the first scrape, at 0, so that a rate has somewhere to start.
var (
	roles  = []model.Role{model.RoleAdmin, model.RoleHelpdesk, model.RoleAuditor}
	causes = []string{CausePerHostCap, CauseTotalCap, CauseLoginGrace}
)

// The causes of a dropped handshake (a connection closed before it
// logged in).
const (
	CausePerHostCap = "per_host_cap"
	CauseTotalCap   = "total_cap"
	CauseLoginGrace = "login_grace"
)

// commitBuckets: a commit is two flushes of the disk, a millisecond on
// an SSD, up to hundreds on a slow or busy disk.
var commitBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}

// New makes the collectors, Go's and the process's among them.
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.sessions = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "keydesk_sessions_open",
		Help: "SSH sessions open now (screens and commands), by the admin's role."}, []string{"role"})
	m.operations = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "keydesk_operations_total",
		Help: "Operations done (committed with their audit entry), by operation."}, []string{"operation"})
	m.refusals = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "keydesk_refusals_total",
		Help: "Operations refused (by role, or by the rules: status, uniqueness), by operation."}, []string{"operation"})
	m.failures = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "keydesk_operation_failures_total",
		Help: "Operations that failed (not refused: the file, the disk), by operation."}, []string{"operation"})
	m.commits = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "keydesk_commit_duration_seconds",
		Help: "Time of one write transaction to the database, its flushes included, by result.", Buckets: commitBuckets}, []string{"result"})
	m.commitWrites = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "keydesk_commit_writes",
		Help: "Operations grouped into one commit.", Buckets: []float64{1, 2, 4, 8, 16, 32, 64}})
	m.handshakesDropped = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "keydesk_handshakes_dropped_total",
		Help: "Connections closed before they logged in, by cause."}, []string{"cause"})
	m.sessionsRefused = prometheus.NewCounter(prometheus.CounterOpts{Name: "keydesk_sessions_refused_total",
		Help: "Sessions refused because the session cap was reached."})
	m.imports = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "keydesk_import_duration_seconds",
		Help: "Time of an import's checks and commit, by what was imported.", Buckets: prometheus.ExponentialBuckets(.005, 4, 9)}, []string{"kind"})
	m.backups = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "keydesk_backup_duration_seconds",
		Help: "Time to write a backup copy, by result.", Buckets: prometheus.ExponentialBuckets(.005, 4, 9)}, []string{"result"})
	m.scheduledFailures = prometheus.NewCounter(prometheus.CounterOpts{Name: "keydesk_scheduled_backup_failures_total",
		Help: "Scheduled backups that failed (written, verified or named)."})
	m.lastScheduled = prometheus.NewGauge(prometheus.GaugeOpts{Name: "keydesk_scheduled_backup_last_success_timestamp_seconds",
		Help: "When the last scheduled backup that verified was taken (Unix time); alert when it is old."})
	m.reg.MustRegister(m.sessions, m.operations, m.refusals, m.failures, m.commits, m.commitWrites,
		m.handshakesDropped, m.sessionsRefused, m.imports, m.backups, m.scheduledFailures, m.lastScheduled,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, r := range roles {
		m.sessions.WithLabelValues(r.String())
	}
	for _, op := range model.Operations {
		m.operations.WithLabelValues(op.Command())
		m.refusals.WithLabelValues(op.Command())
	}
	for _, c := range causes {
		m.handshakesDropped.WithLabelValues(c)
	}
	for _, result := range []string{"ok", "failed"} {
		m.commits.WithLabelValues(result)
		m.backups.WithLabelValues(result)
	}
	m.imports.WithLabelValues("keys")
	m.imports.WithLabelValues("employees")
	return m
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// OperationDone counts an operation (store.Observer).
func (m *Metrics) OperationDone(op model.Operation, took time.Duration, err error) {
	name := op.Command()
	switch {
	case err == nil:
		m.operations.WithLabelValues(name).Inc()
	case model.IsRefusal(err):
		m.refusals.WithLabelValues(name).Inc()
		return
	default:
		m.failures.WithLabelValues(name).Inc()
		return
	}
	switch op {
	case model.OpImportKeys:
		m.imports.WithLabelValues("keys").Observe(took.Seconds())
	case model.OpImportEmployees:
		m.imports.WithLabelValues("employees").Observe(took.Seconds())
	}
}

// Committed times a commit (store.Observer).
func (m *Metrics) Committed(took time.Duration, writes int, ok bool) {
	result := "ok"
	if !ok {
		result = "failed"
	}
	m.commits.WithLabelValues(result).Observe(took.Seconds())
	if ok {
		m.commitWrites.Observe(float64(writes))
	}
}

// BackupDone times a backup (store.Observer). A refused one wrote
// nothing: it is an operation refused, not a backup.
func (m *Metrics) BackupDone(took time.Duration, err error) {
	var refusal *model.Refusal
	switch {
	case errors.As(err, &refusal):
	case err != nil:
		m.backups.WithLabelValues("failed").Observe(took.Seconds())
	default:
		m.backups.WithLabelValues("ok").Observe(took.Seconds())
	}
}

// SessionOpened and SessionClosed follow the sessions open, by role.
func (m *Metrics) SessionOpened(role model.Role) { m.sessions.WithLabelValues(role.String()).Inc() }
func (m *Metrics) SessionClosed(role model.Role) { m.sessions.WithLabelValues(role.String()).Dec() }

// SessionRefused counts a session refused at the session cap.
func (m *Metrics) SessionRefused() { m.sessionsRefused.Inc() }

// HandshakeDropped counts a connection closed before it logged in.
func (m *Metrics) HandshakeDropped(cause string) { m.handshakesDropped.WithLabelValues(cause).Inc() }

// ScheduledBackup counts a scheduled backup, taken at when.
func (m *Metrics) ScheduledBackup(when time.Time, ok bool) {
	if ok {
		m.lastScheduled.Set(float64(when.Unix()))
	} else {
		m.scheduledFailures.Inc()
	}
}
