package store

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keydesk/keydesk/model"
)

func wantGone(t *testing.T, err error, what string) {
	t.Helper()
	var gone *FileGoneError
	if !errors.As(err, &gone) || gone.What != what || !strings.Contains(err.Error(), "put the right file back") {
		t.Fatalf("got %v, want a *FileGoneError: %s, saying how to recover", err, what)
	}
}

func TestWriteToARemovedFileIsNotAcknowledged(t *testing.T) {
	s, _ := tOpen(t)
	tImportKeys(t, s, "GONE1")
	if err := os.Remove(s.Path()); err != nil {
		t.Fatal(err)
	}
	// bbolt commits this to the unlinked file; nobody will see it again.
	_, err := s.ImportKeys(tAdmin, []KeyRow{{Line: 2, KeyInput: model.KeyInput{Serial: "GONE2"}}})
	wantGone(t, err, "removed")
	head, _ := s.AuditHead()
	// From now on nothing is written at all.
	_, err = s.ImportKeys(tAdmin, []KeyRow{{Line: 2, KeyInput: model.KeyInput{Serial: "GONE3"}}})
	wantGone(t, err, "removed")
	if again, _ := s.AuditHead(); again != head {
		t.Errorf("a write went on after the file was found gone: head %v, was %v", again, head)
	}
	// Reads go on, and so does a backup: the way to save what it holds.
	if _, err := s.Snapshot(); err != nil {
		t.Errorf("Snapshot: %v", err)
	}
	rescue := filepath.Join(t.TempDir(), "rescue.db")
	if _, err := s.BackupToFile(tAdmin, rescue); err != nil {
		t.Errorf("a backup of a removed file: %v", err)
	}
}

func TestWriteToAReplacedFileIsNotAcknowledged(t *testing.T) {
	s, _ := tOpen(t)
	tImportKeys(t, s, "SWAP1")
	backup := filepath.Join(t.TempDir(), "old.db")
	if _, err := s.BackupToFile(tAdmin, backup); err != nil {
		t.Fatal(err)
	}
	if err := s.CheckFile(); err != nil {
		t.Fatalf("CheckFile before the swap: %v", err)
	}
	// A backup copied over the live file (cp writes a new file and
	// renames it, or truncates: either way, another inode or other bytes;
	// a rename is what a restore does).
	if err := os.Rename(backup, s.Path()); err != nil {
		t.Fatal(err)
	}
	wantGone(t, s.CheckFile(), "replaced by another file")
	_, err := s.ImportKeys(tAdmin, []KeyRow{{Line: 2, KeyInput: model.KeyInput{Serial: "SWAP2"}}})
	wantGone(t, err, "replaced by another file")
}
