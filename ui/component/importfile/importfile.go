// Package importfile is what the Keys and Employees screens share to
// import a CSV file named by its path: opening it safely and showing a
// refused import's problems.
package importfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/dialog"
	"github.com/keydesk/keydesk/ui/component/styles"
)

// Open opens the CSV file at path ("~/" is the home directory) for the
// store to import. Only a regular file is read: a device such as
// /dev/zero never ends, and a named pipe would wait for a writer forever.
// A file larger than the store reads is refused unread.
func Open(path string) (*os.File, error) {
	path = ExpandHome(path)
	info, err := os.Stat(path)
	if err != nil {
		return nil, fileError(path, err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", model.Printable(path))
	}
	if info.Size() > store.MaxImportBytes {
		return nil, &store.ImportTooLargeError{Name: path}
	}
	file, err := os.Open(path)
	if err != nil {
		return nil, fileError(path, err)
	}
	return file, nil
}

// ExpandHome makes a leading "~/" the home directory.
func ExpandHome(path string) string {
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	return path
}

// fileError says in plain words why a file cannot be read.
func fileError(path string, err error) error {
	path = model.Printable(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("there is no file %s", path)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("no permission to read %s", path)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("cannot read %s: %v", path, err)
}

// problemsDialog lists every bad line of a refused import.
func problemsDialog(st *styles.Styles, err *store.ImportError) common.Dialog {
	lines := strings.Split(err.Error(), "\n")
	title := lines[0] // "nothing imported: 3 problems"
	title = strings.ToUpper(title[:1]) + title[1:]
	return dialog.NewMessage(st, title, lines[1:], true)
}
