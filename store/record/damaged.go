package record

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// DamagedRecordError says which record does not decode: its bucket and its
// id (a number, or the name it is stored under). It wraps the decoder's
// error, ErrCorrupt for a damaged value.
type DamagedRecordError struct {
	Bucket string
	ID     string
	Err    error
}

func (e *DamagedRecordError) Error() string {
	if errors.Is(e.Err, ErrCorrupt) {
		return fmt.Sprintf("the record %s in %s is damaged: restore the database from a backup", e.ID, e.Bucket)
	}
	return fmt.Sprintf("the record %s in %s is damaged (%v): restore the database from a backup", e.ID, e.Bucket, e.Err)
}

func (e *DamagedRecordError) Unwrap() error { return e.Err }

// Damaged names the record bucket[id] in err, nil when err is nil.
// An error that names its record already is left as it is.
func Damaged(bucket, id []byte, err error) error {
	if err == nil { // first, and apart: the As below would cost every read an allocation
		return nil
	}
	return damaged(bucket, id, err)
}

func damaged(bucket, id []byte, err error) error {
	var named *DamagedRecordError
	if errors.As(err, &named) {
		return err
	}
	return &DamagedRecordError{Bucket: string(bucket), ID: Name(id), Err: err}
}

// Name shows a record's key: an 8-byte id as its number, a name as
// quoted text, anything else in hex.
func Name(id []byte) string {
	switch {
	case len(id) == 8:
		return "id " + strconv.FormatUint(ParseID(id), 10)
	case utf8.Valid(id):
		return strconv.Quote(string(id))
	}
	return hex.EncodeToString(id) // not fmt: id would escape, and every read passes one
}
