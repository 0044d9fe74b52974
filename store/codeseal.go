package store

import (
	"fmt"
	"io"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/record"
	"github.com/keydesk/keydesk/store/secrets"
)

// Since schema 9 a code's dates and wrong-entry count are bound to its
// sealed digits (the seal's additional data, with the key's id): a code
// whose expiry was moved, whose count was reset, or that was copied from
// another key no longer opens. Older forms (plain digits; digits sealed
// with the key id only) are read only from files of older schemas, opened
// read-only: in a current file they were not written by keydesk.

// record.BoundCodeFormat is a code of schema 9: the sealed digits, then the
// fields the seal binds (issued, expires, failures), as encoded.

// sealedRecordsSchema is the first schema whose entries carry the records
// they wrote and whose codes bind their fields.
const sealedRecordsSchema = 9

func codeFields(c model.ActivationCode) []byte {
	var e record.Encoder
	e.Time(c.IssuedAt)
	e.Time(c.ExpiresAt)
	e.Uint(uint64(c.Failures))
	return e.Buf
}

func boundCodeContext(keyID uint64, fields []byte) []byte {
	ctx := append([]byte("code v2 "), record.ID(keyID)...)
	return append(ctx, fields...)
}

// sealBoundCode stores c for key keyID in record.BoundCodeFormat.
func sealBoundCode(box *secrets.Box, nonces io.Reader, keyID uint64, c model.ActivationCode) ([]byte, error) {
	fields := codeFields(c)
	sealed, err := box.SealFrom(nonces, []byte(c.Digits), boundCodeContext(keyID, fields))
	if err != nil {
		return nil, err
	}
	e := record.NewEncoder(record.BoundCodeFormat)
	e.Str(string(sealed))
	e.Buf = append(e.Buf, fields...)
	return e.Buf, nil
}

// openBoundCode reads a code in record.BoundCodeFormat; without the key its
// digits are "" and its fields unproven (audit verify still checks them
// against the trail).
func (s *Store) openBoundCode(keyID uint64, raw []byte) (model.ActivationCode, error) {
	d := record.NewDecoder(raw, record.BoundCodeFormat)
	sealed := d.Str()
	start := d.Offset()
	c := model.ActivationCode{IssuedAt: d.Time(), ExpiresAt: d.Time(), Failures: int(d.Uint())}
	if err := d.End(); err != nil {
		return c, record.Damaged(bucketCodes, record.ID(keyID), err)
	}
	if s.box == nil {
		return c, nil
	}
	digits, err := s.box.Open([]byte(sealed), boundCodeContext(keyID, raw[start:]))
	if err != nil {
		return c, fmt.Errorf("the activation code of key id %d does not open with the key file: its expiry, wrong entries or key "+
			"were changed outside keydesk, or it belongs to another database: %w", keyID, record.ErrCorrupt)
	}
	c.Digits = string(digits)
	return c, nil
}

// olderCode refuses a code in a form this schema no longer writes.
func olderCode(keyID uint64) error {
	return fmt.Errorf("the activation code of key id %d is in a form keydesk no longer writes (plain, or sealed without its expiry): "+
		"it was put there outside keydesk: %w", keyID, record.ErrCorrupt)
}
