package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/keydesk/keydesk/model"
)

// A snapshot file at a path is read at each sync: its people join; once
// the file is gone, the sync is refused as a source that failed, audited,
// and changes no record.
func TestSyncDirectoryFromSnapshotFile(t *testing.T) {
	s, _ := tOpen(t)
	path := filepath.Join(t.TempDir(), "people.csv")
	if err := os.WriteFile(path, []byte("external_id,first_name,last_name,email\nu1,Ann,Lee,ann@example.com\nu2,Bob,Day,bob@example.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := s.SyncDirectoryFrom(context.Background(), tAdmin, path, SyncOptions{})
	if err != nil || !res.Applied || len(res.Plan.Joiners) != 2 || res.Source != "snapshot "+path {
		t.Fatalf("sync from %s: applied %v, %d joiners, source %q, err %v; want 2 joiners applied", path, res.Applied, len(res.Plan.Joiners), res.Source, err)
	}

	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	before, n := tNonAuditRecords(t, s), len(tAudit(t, s))
	_, err = s.SyncDirectoryFrom(context.Background(), tAdmin, path, SyncOptions{})
	var se *model.SourceError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "cannot read the snapshot") {
		t.Fatalf("sync from a missing file: %v, want a source error saying the snapshot cannot be read", err)
	}
	if after := tNonAuditRecords(t, s); !reflect.DeepEqual(before, after) {
		t.Error("a sync from a missing snapshot file changed records")
	}
	if entries := tAuditSince(t, s, n); len(entries) != 1 || entries[0].Action != model.ActionDirectorySyncRefused || !strings.Contains(entries[0].Note, path) {
		t.Errorf("audit %+v, want one refusal naming %s", entries, path)
	}
}
