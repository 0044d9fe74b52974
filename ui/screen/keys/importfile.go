package keys

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
)

// RemoteImportHint answers `i` over SSH, where a path would name a file
// on the server: the file comes from the admin's machine on stdin.
const RemoteImportHint = "over SSH, import from your machine: ssh … import keys - < keys.csv"

// maxImportBytes bounds what an import reads. A keys file of 100,000
// keys is a few megabytes; reading a mistaken path whole (a disk image,
// a log) would take the memory of the machine.
const maxImportBytes = 64 << 20

// readKeysFile parses the keys CSV file at path. Only a regular file is
// read: a device such as /dev/zero never ends, and a named pipe would
// wait for a writer forever.
func readKeysFile(path string) ([]store.KeyRow, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fileError(path, err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", model.Printable(path))
	}
	if info.Size() > maxImportBytes {
		return nil, tooLarge(path)
	}
	file, err := os.Open(path)
	if err != nil {
		return nil, fileError(path, err)
	}
	defer file.Close()
	return parseAtMost(file, path, maxImportBytes)
}

// parseAtMost parses at most limit bytes of r: the file may have grown
// since it was measured.
func parseAtMost(r io.Reader, path string, limit int64) ([]store.KeyRow, error) {
	lr := &io.LimitedReader{R: r, N: limit + 1}
	// A local file of bounded size: nothing needs to stop reading it.
	rows, err := store.ParseKeysCSV(context.Background(), lr)
	if lr.N == 0 { // the byte past the limit was read
		return nil, tooLarge(path)
	}
	return rows, err
}

func tooLarge(path string) error {
	return fmt.Errorf("%s is larger than %d MiB: split it", model.Printable(path), maxImportBytes>>20)
}
