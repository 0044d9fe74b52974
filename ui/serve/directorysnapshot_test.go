package serve

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/log"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
)

// The scheduled sync reads the snapshot file it was given, not LDAP (none
// is set up): its people join; a file gone is refused, kept for the
// screens, logged and retried.
func TestScheduledDirectorySyncFromSnapshot(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, "keydesk.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	snapshot := filepath.Join(dir, "people.csv")
	if err := os.WriteFile(snapshot, []byte("external_id,first_name,last_name,email\nu1,Ann,Lee,ann@example.com\nu2,Bob,Day,bob@example.com\nu3,Cy,Young,cy@example.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func() string {
		t.Helper()
		var logged lockedBuffer
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { runDirectorySync(ctx, st, time.Hour, snapshot, log.New(&logged)); close(done) }()
		deadline := time.Now().Add(20 * time.Second)
		for !strings.Contains(logged.String(), "directory sync") && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
		<-done
		return logged.String()
	}
	admin := model.LocalAdmin("alice")

	if out := run(); !strings.Contains(out, "directory synced") || !strings.Contains(out, "snapshot "+snapshot) {
		t.Fatalf("first run: %s", out)
	}
	d, err := st.DirectoryStatus(admin)
	if err != nil || !strings.Contains(d.Last.Summary, "3 joiners") || d.Last.Source != "snapshot "+snapshot || d.Refused != nil {
		t.Fatalf("status after a scheduled sync from %s: %+v %v", snapshot, d, err)
	}

	if err := os.Remove(snapshot); err != nil {
		t.Fatal(err)
	}
	if out := run(); !strings.Contains(out, "refused; retrying") || !strings.Contains(out, "cannot read the snapshot") {
		t.Fatalf("run without the file: %s", out)
	}
	d, err = st.DirectoryStatus(admin)
	if err != nil || d.Refused == nil || !strings.Contains(d.Refused.Why, "cannot read the snapshot") {
		t.Fatalf("status after a refused scheduled sync: %+v %v", d, err)
	}
}
