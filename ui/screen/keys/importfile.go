package keys

import (
	"os"

	"github.com/keydesk/keydesk/ui/component/importfile"
)

// RemoteImportHint answers `i` over SSH, where a path would name a file
// on the server: the file comes from the admin's machine on stdin.
const RemoteImportHint = "over SSH, import from your machine: ssh … import keys - < keys.csv"

// openKeysFile opens the keys CSV file at path for the store to import
// (see importfile.Open).
func openKeysFile(path string) (*os.File, error) { return importfile.Open(path) }
