package keys

import (
	"fmt"
	"os"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
)

// RemoteImportHint answers `i` over SSH, where a path would name a file
// on the server: the file comes from the admin's machine on stdin.
const RemoteImportHint = "over SSH, import from your machine: ssh … import keys - < keys.csv"

// openKeysFile opens the keys CSV file at path for the store to import.
// Only a regular file is read: a device such as /dev/zero never ends, and
// a named pipe would wait for a writer forever. A file larger than the
// store reads is refused unread.
func openKeysFile(path string) (*os.File, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fileError(path, err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", model.Printable(path))
	}
	if info.Size() > store.MaxImportBytes {
		return nil, &store.ErrImportTooLarge{Name: path}
	}
	file, err := os.Open(path)
	if err != nil {
		return nil, fileError(path, err)
	}
	return file, nil
}
