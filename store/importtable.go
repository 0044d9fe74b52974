package store

import (
	"context"
	"io"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/csvfile"
)

// KeyFile is a keys file as read, its rows held compactly (a million rows
// as []KeyRow took some 180 MB; see csvfile.KeyTable). An import of one
// is the same command as an import of its rows: it is encoded as the rows
// (packedArgs), and applied from the table.
type KeyFile = csvfile.KeyTable

// ReadKeyFile is ReadKeys into a KeyFile.
func ReadKeyFile(ctx context.Context, name string, r io.Reader) (*KeyFile, error) {
	return readAtMost(name, r, func(r io.Reader) (*KeyFile, error) { return csvfile.ParseKeyTable(ctx, r) })
}

// ImportKeyFile is ImportKeys for the rows of a file read with
// ReadKeyFile.
func (s *Store) ImportKeyFile(who model.Actor, f *KeyFile) (int, error) {
	return s.importKeys(who, importKeysArgs{table: f})
}

// packedArgs are arguments held in memory in another form than their
// encoding's; unpacked is the form encoded.
type packedArgs interface{ unpacked() Args }

func (a importKeysArgs) unpacked() Args {
	if a.table == nil {
		return a
	}
	return importKeysArgs{Rows: a.table.Rows()}
}

// rows are the import's rows, wherever they are held.
func (a importKeysArgs) rows() keySource {
	if a.table != nil {
		return a.table
	}
	return keyRowList(a.Rows)
}
