package store

import (
	"fmt"
	"os"
)

// The path is how every other keydesk program finds the database; the
// open file is where this one writes. When the file is removed or another
// is put at its path (a backup copied over it), writes that go on to the
// open file are lost for everyone else: the next program opens the new
// file, and what this one wrote vanishes when it closes. So before a write
// is acknowledged the path must still name the file held open (same
// device and inode), and once it does not, every write is refused.

// FileGoneError says the database's path no longer names the open file.
type FileGoneError struct {
	Path string
	What string // "removed" or "replaced by another file"
}

func (e *FileGoneError) Error() string {
	return fmt.Sprintf("the database file %s was %s while keydesk had it open: changes are refused from now on, "+
		"as they would be lost. To recover: save what this keydesk holds with keydesk backup (over SSH: backup - > rescue.db), "+
		"stop it, put the right file back at %s and start again", e.Path, e.What, e.Path)
}

// CheckFile reports whether the path still names the file held open; once
// it does not, the store refuses every write. serve calls it every few
// seconds, and every write calls it before it is acknowledged.
func (s *Store) CheckFile() error {
	if gone := s.gone.Load(); gone != nil {
		return gone
	}
	now, err := os.Stat(s.path)
	var gone *FileGoneError
	switch {
	case os.IsNotExist(err):
		gone = &FileGoneError{Path: s.path, What: "removed"}
	case err != nil:
		return nil // cannot tell (a permission hiccup): do not stop the service for it
	case !os.SameFile(s.db.fileInfo(), now):
		gone = &FileGoneError{Path: s.path, What: "replaced by another file"}
	default:
		return nil
	}
	s.gone.CompareAndSwap(nil, gone)
	return s.gone.Load()
}

// refuseIfGone refuses a write once the file is known to be gone, before
// it is written to a file nobody will see again.
func (s *Store) refuseIfGone() error {
	if gone := s.gone.Load(); gone != nil {
		return gone
	}
	return nil
}

// RemoveNew closes a database that this process has just created and
// removes it, with the key file its creation made, when nothing was
// recorded in it: a refused first command leaves no empty database
// behind. A database that holds any audit entry is only closed.
func (s *Store) RemoveNew() error {
	head, err := s.AuditHead()
	same := s.CheckFile() == nil
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err != nil || head.Seq != 0 || !same || s.ReadOnly() {
		return err
	}
	if err := os.Remove(s.path); err != nil {
		return err
	}
	if s.madeKeyFile {
		return removeKeyFile(s.path)
	}
	return nil
}
