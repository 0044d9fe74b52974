package store

import (
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/migrate"
	"github.com/keydesk/keydesk/store/record"
)

// The record format is in store/record, the formats of older schemas in
// store/migrate.

// decodeKey reads a key as it is stored: in the format this keydesk
// writes, or in the one its file's older schema wrote (a file being
// migrated, or opened read-only).
func decodeKey(b []byte) (model.Key, error) {
	if len(b) > 0 && b[0] != record.EntityFormat {
		return migrate.DecodeKey(b)
	}
	return record.DecodeKey(b)
}

// decodeEmployee is decodeKey for an employee.
func decodeEmployee(b []byte) (model.Employee, error) {
	if len(b) > 0 && b[0] != record.EntityFormat {
		return migrate.DecodeEmployee(b)
	}
	return record.DecodeEmployee(b)
}

// encoder writes a command's fields as a record's (commandcodec.go).
type encoder struct{ buf []byte }

func (e *encoder) uint(v uint64)    { e.buf = record.AppendUint(e.buf, v) }
func (e *encoder) int(v int64)      { e.buf = record.AppendInt(e.buf, v) }
func (e *encoder) str(s string)     { e.buf = record.AppendStr(e.buf, s) }
func (e *encoder) time(t time.Time) { e.buf = record.AppendTime(e.buf, t) }
