package metrics

import (
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
)

func page(t *testing.T, m *Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	return string(body)
}

// TestOutcomesAreCountedApart: a done operation, a refusal and a failure
// land in their own series; a refused backup is no backup; an import's
// time is observed only when it was done.
func TestOutcomesAreCountedApart(t *testing.T) {
	m := New()
	refusal := &model.Refusal{Msg: "key K is Active: it can be suspended"}
	m.OperationDone(model.OpKeySuspend, time.Millisecond, nil)
	m.OperationDone(model.OpKeyWiped, time.Millisecond, refusal)
	m.OperationDone(model.OpKeyAssign, time.Millisecond, errors.New("disk full"))
	m.OperationDone(model.OpImportKeys, 2*time.Second, nil)
	m.OperationDone(model.OpImportEmployees, time.Second, refusal)
	m.BackupDone(time.Second, refusal)
	m.BackupDone(time.Second, errors.New("no space"))
	m.SessionOpened(model.RoleAuditor)
	m.SessionOpened(model.RoleAuditor)
	m.SessionClosed(model.RoleAuditor)
	m.HandshakeDropped(CauseLoginGrace)
	m.ScheduledBackup(time.Unix(1767225600, 0), true)
	text := page(t, m)
	for _, want := range []string{
		`keydesk_operations_total{operation="key suspend"} 1`,
		`keydesk_operations_total{operation="key wiped"} 0`,
		`keydesk_refusals_total{operation="key wiped"} 1`,
		`keydesk_operation_failures_total{operation="key assign"} 1`,
		`keydesk_operations_total{operation="key assign"} 0`,
		`keydesk_import_duration_seconds_count{kind="keys"} 1`,
		`keydesk_import_duration_seconds_sum{kind="keys"} 2`,
		`keydesk_import_duration_seconds_count{kind="employees"} 0`,
		`keydesk_backup_duration_seconds_count{result="failed"} 1`,
		`keydesk_backup_duration_seconds_count{result="ok"} 0`,
		`keydesk_sessions_open{role="auditor"} 1`,
		`keydesk_sessions_open{role="admin"} 0`,
		`keydesk_handshakes_dropped_total{cause="login_grace"} 1`,
		`keydesk_handshakes_dropped_total{cause="per_host_cap"} 0`,
		`keydesk_scheduled_backup_last_success_timestamp_seconds 1.7672256e+09`,
	} {
		if !strings.Contains(text, want+"\n") {
			t.Errorf("no %s", want)
		}
	}
}
