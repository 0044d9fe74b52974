package serve

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/keydesk/keydesk/store/osfile"

	"github.com/charmbracelet/log"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
)

// Scheduled backups are named after the moment they were taken, so that
// their names sort in time and rotation removes the oldest by name.
const (
	backupPrefix  = "keydesk-"
	backupStamp   = "20060102T150405Z"
	backupSuffix  = ".db"
	partialSuffix = ".partial"
	backupAlert   = "backup"
)

// backupActor is who the audit trail names for a scheduled backup.
var backupActor = model.LocalAdmin("keydesk serve")

// backups takes a copy of the database every interval while admins work.
type backups struct {
	st    *store.Store
	dir   string
	every time.Duration
	keep  int
	clock Clock
	log   *log.Logger
	// done, when set, is told of each backup: when it was taken, and
	// whether it verified (metrics).
	done func(when time.Time, ok bool)
}

// run takes a backup when one is due, then one every interval, until ctx
// ends. The first is due one interval after the newest backup already in
// the folder: a restart neither skips nor repeats one.
func (b *backups) run(ctx context.Context) {
	for {
		var wait time.Duration // none in the folder: one now
		if newest, ok := b.newest(); ok {
			wait = newest.Add(b.every).Sub(b.clock.Now())
		}
		if wait > 0 {
			select {
			case <-ctx.Done():
				return
			case <-b.clock.After(wait):
			}
		}
		if ctx.Err() != nil {
			return
		}
		if err := b.take(); err != nil {
			// Try again in an interval; an earlier retry would fill the
			// log and the disk as fast as the problem persists.
			select {
			case <-ctx.Done():
				return
			case <-b.clock.After(b.every):
			}
		}
	}
}

// take writes one backup, verifies it, keeps it under its final name and
// removes the oldest beyond the count. A failure is logged and raised as
// an alert, which the next backup that succeeds clears.
func (b *backups) take() error {
	start, when := time.Now(), b.clock.Now()
	path, check, err := b.write()
	if b.done != nil {
		b.done(when, err == nil)
	}
	if err != nil {
		b.log.Error("scheduled backup failed", "dir", b.dir, "err", err)
		b.st.SetAlert(backupAlert, fmt.Sprintf("the scheduled backup failed at %s: %s (see the server log)",
			b.clock.Now().UTC().Format("2006-01-02 15:04 UTC"), err))
		return err
	}
	b.st.SetAlert(backupAlert, "")
	b.log.Info("scheduled backup", "path", path, "entries", check.Entries, "head", check.HeadHash, "took", time.Since(start).Round(time.Millisecond))
	for _, old := range b.beyondKeep() {
		if err := os.Remove(old); err != nil {
			b.log.Warn("cannot remove an old backup", "path", old, "err", osfile.Innermost(err))
		} else {
			b.log.Info("removed an old backup", "path", old)
		}
	}
	return nil
}

func (b *backups) write() (string, store.BackupCheck, error) {
	now := b.clock.Now().UTC()
	path := filepath.Join(b.dir, backupPrefix+now.Format(backupStamp)+backupSuffix)
	partial := path + partialSuffix
	os.Remove(partial) // left by a crash: never a backup
	if _, err := b.st.BackupToFile(backupActor, partial); err != nil {
		return "", store.BackupCheck{}, fmt.Errorf("cannot write %s: %v", partial, osfile.Innermost(err))
	}
	check, err := store.CheckBackupFile(partial)
	if err != nil {
		os.Remove(partial)
		return "", check, fmt.Errorf("the copy does not verify: %v", err)
	}
	if err := os.Rename(partial, path); err != nil {
		os.Remove(partial)
		return "", check, fmt.Errorf("cannot name the copy %s: %v", path, osfile.Innermost(err))
	}
	return path, check, osfile.SyncName(path)
}

// list is the folder's scheduled backups, oldest first.
func (b *backups) list() []string {
	entries, err := os.ReadDir(b.dir)
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		if _, ok := backupTime(e.Name()); ok && e.Type().IsRegular() {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return names
}

func (b *backups) newest() (time.Time, bool) {
	names := b.list()
	if len(names) == 0 {
		return time.Time{}, false
	}
	return backupTime(names[len(names)-1])
}

// beyondKeep are the backups past the newest keep, as paths.
func (b *backups) beyondKeep() []string {
	names := b.list()
	var old []string
	for _, name := range names[:max(len(names)-b.keep, 0)] {
		old = append(old, filepath.Join(b.dir, name))
	}
	return old
}

// backupTime reads a scheduled backup's name; other files are not ours.
func backupTime(name string) (time.Time, bool) {
	stamp, ok := strings.CutPrefix(name, backupPrefix)
	if !ok {
		return time.Time{}, false
	}
	stamp, ok = strings.CutSuffix(stamp, backupSuffix)
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(backupStamp, stamp)
	return t, err == nil
}
