package serve_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
)

// fakeClock is a clock that moves only when the test advances it; After
// fires once the clock reaches its time.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []fakeWaiter
}

type fakeWaiter struct {
	at time.Time
	ch chan time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
		return ch
	}
	c.waiters = append(c.waiters, fakeWaiter{at: c.now.Add(d), ch: ch})
	return ch
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if !w.at.After(c.now) {
			w.ch <- c.now
		} else {
			kept = append(kept, w)
		}
	}
	c.waiters = kept
}

func (c *fakeClock) waiting() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.waiters)
}

// backupNames are the scheduled backups in dir, and whatever else is
// there.
func backupNames(dir string) []string {
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	slices.Sort(names)
	return names
}

// TestScheduledBackupsAreTakenVerifiedAndRotated: under a test clock,
// serve takes a backup at once (the folder has none), then one a day,
// while an admin keeps writing; each is whole and verifies; only the
// newest two stay. A backup that cannot be written is logged and raised
// as an alert, which the next good one clears.
func TestScheduledBackupsAreTakenVerifiedAndRotated(t *testing.T) {
	h := newHarness(t)
	clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	dir := filepath.Join(h.dir, "backups")
	h.cfg.BackupDir, h.cfg.BackupEvery, h.cfg.BackupKeep, h.cfg.Clock = dir, 24*time.Hour, 2, clock

	// Writes go on all along: every copy must still be one moment.
	ctx, stopWriting := context.WithCancel(context.Background())
	var wrote atomic.Int64
	writing := make(chan struct{})
	go func() {
		defer close(writing)
		for i := 0; ctx.Err() == nil; i++ {
			in := model.EmployeeInput{FirstName: fmt.Sprintf("W%d", i), Email: fmt.Sprintf("w%d@example.com", i)}
			if _, err := h.st.AddEmployee(model.LocalAdmin("writer"), in, ""); err != nil {
				t.Error(err)
				return
			}
			wrote.Add(1)
		}
	}()
	defer func() { stopWriting(); <-writing }()
	// The first backup is taken at start: let the writer be under way.
	eventually(t, "the writer under way", func() bool { return wrote.Load() > 0 })

	h.start()
	want := func(names ...string) {
		t.Helper()
		eventually(t, fmt.Sprintf("the backups %v", names), func() bool {
			return slices.Equal(backupNames(dir), names) && clock.waiting() == 1
		})
		for _, name := range names {
			check, err := store.CheckBackupFile(filepath.Join(dir, name))
			if err != nil || check.People == 0 {
				t.Errorf("%s: %+v, %v", name, check, err)
			}
		}
	}
	want("keydesk-20260101T000000Z.db")
	clock.Advance(24 * time.Hour)
	want("keydesk-20260101T000000Z.db", "keydesk-20260102T000000Z.db")
	clock.Advance(24 * time.Hour)
	want("keydesk-20260102T000000Z.db", "keydesk-20260103T000000Z.db")
	if wrote.Load() == 0 {
		t.Fatal("nothing was written while the backups were taken")
	}

	// The folder is gone and a file has its name: the backup fails.
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(dir, []byte("in the way"), 0o600)
	clock.Advance(24 * time.Hour)
	eventually(t, "the failure raised as an alert", func() bool { return len(h.st.Alerts()) == 1 && clock.waiting() == 1 })
	if alert := h.st.Alerts()[0]; !strings.Contains(alert, "the scheduled backup failed at 2026-01-04 00:00 UTC") {
		t.Errorf("alert: %q", alert)
	}
	if !strings.Contains(h.log.String(), "scheduled backup failed") {
		t.Errorf("the failure is not in the log:\n%s", h.log)
	}
	os.Remove(dir)
	os.Mkdir(dir, 0o700)
	clock.Advance(24 * time.Hour)
	want("keydesk-20260105T000000Z.db")
	eventually(t, "the alert cleared", func() bool { return len(h.st.Alerts()) == 0 })

	stopWriting()
	<-writing
	made := 0
	all, _, err := h.st.AuditOlder(0, math.MaxInt, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range all {
		if e.Action == model.ActionBackupMade && strings.HasPrefix(e.Actor, "keydesk serve") {
			made++
		}
	}
	if made != 4 {
		t.Errorf("%d scheduled backups in the audit trail, want 4 (the failed one never got its file)", made)
	}
}

// A restart neither repeats nor skips a backup: the next is due a day
// after the newest in the folder.
func TestScheduledBackupsResumeFromTheNewestInTheFolder(t *testing.T) {
	h := newHarness(t)
	clock := &fakeClock{now: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}
	dir := filepath.Join(h.dir, "backups")
	os.Mkdir(dir, 0o700)
	os.WriteFile(filepath.Join(dir, "keydesk-20260101T000000Z.db"), []byte("an earlier serve's"), 0o600)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a backup"), 0o600)
	h.cfg.BackupDir, h.cfg.BackupEvery, h.cfg.BackupKeep, h.cfg.Clock = dir, 24*time.Hour, 5, clock
	h.start()
	eventually(t, "the scheduler waiting", func() bool { return clock.waiting() == 1 })
	clock.Advance(11 * time.Hour)
	time.Sleep(50 * time.Millisecond)
	if got := backupNames(dir); len(got) != 2 {
		t.Fatalf("a backup was taken before it was due: %v", got)
	}
	clock.Advance(time.Hour)
	eventually(t, "the backup due at midnight", func() bool {
		return slices.Contains(backupNames(dir), "keydesk-20260102T000000Z.db")
	})
}
