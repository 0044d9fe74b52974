package store

import (
	"context"
	"errors"
	"io"
	"os"

	"github.com/keydesk/keydesk/model"
)

// SnapshotFileSource is a snapshot CSV at a path on this machine, read
// whole (at most MaxImportBytes) each time the sync asks: the source of a
// scheduled sync, or of the screens' preview, when an HR system drops its
// export there.
type SnapshotFileSource struct{ Path string }

func (f SnapshotFileSource) Name() string { return SnapshotSource{File: f.Path}.Name() }

// People reads the file; a file missing, unreadable or too large is a
// source that failed, refused like an LDAP server that does not answer.
func (f SnapshotFileSource) People(ctx context.Context) ([]model.EmployeeInput, model.SyncFields, error) {
	file, err := os.Open(f.Path)
	if err != nil {
		return nil, 0, sourceErr("cannot read the snapshot: %v", err)
	}
	defer file.Close()
	type read struct {
		people []model.EmployeeInput
		fields model.SyncFields
	}
	out, err := readAtMost(f.Path, file, func(r io.Reader) (read, error) {
		people, fields, err := SnapshotSource{R: r, File: f.Path}.People(ctx)
		return read{people, fields}, err
	})
	if err != nil {
		if tooLarge := (*ImportTooLargeError)(nil); errors.As(err, &tooLarge) {
			err = sourceErr("the snapshot cannot be used: %v", err)
		}
		return nil, 0, err
	}
	return out.people, out.fields, nil
}

// SyncDirectoryFrom syncs with the snapshot file at path, or with the
// LDAP directory of the settings when path is "".
func (s *Store) SyncDirectoryFrom(ctx context.Context, who model.Actor, path string, opt SyncOptions) (SyncResult, error) {
	if path == "" {
		return s.SyncDirectoryLDAP(ctx, who, opt)
	}
	return s.SyncDirectory(ctx, who, SnapshotFileSource{Path: path}, opt)
}
