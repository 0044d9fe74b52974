package record

import (
	"time"

	"github.com/keydesk/keydesk/model"
)

// EncodeKey stores a key with its history head (store/history.go).
func EncodeKey(k model.Key, head uint64) []byte { return AppendKey(nil, k, head) }

// AppendKey is EncodeKey into the end of dst, for a bulk of keys.
func AppendKey(dst []byte, k model.Key, head uint64) []byte {
	e := &Encoder{Buf: append(dst, EntityFormat)}
	e.Uint(head)
	e.KeyFields(k)
	e.TimeSince(k.UpdatedAt, k.ImportedAt)
	e.Uint(k.Rev)
	e.Uint(k.ProfileID)
	e.Uint(k.AppliedProfileID)
	e.Uint(LicenceDay(k.LicenceUntil))
	// Appended by the directory issue, read when present (optional):
	// records written before decode with no last holder.
	e.Uint(k.LastHolderID)
	return e.Buf
}

// DecodeKey reads a key in the format this keydesk writes.
func DecodeKey(b []byte) (model.Key, error) {
	d := NewDecoder(b, EntityFormat)
	d.Uint() // the history head
	k := d.KeyFields()
	k.UpdatedAt, k.Rev = d.TimeSince(k.ImportedAt), d.Uint()
	if d.err == nil && (!k.Status.Valid() || !k.Reason.Valid()) {
		d.Fail()
	}
	d.KeySinceSchema6(&k)
	return k, d.err
}

// KeyFields writes the fields every key format starts with, since format
// 1 (schemas 1 to 5): the key's id to its import time. (A format adds
// fields after these, never among them: see KeySinceSchema6.)
func (e *Encoder) KeyFields(k model.Key) {
	e.Uint(k.ID)
	e.Str(k.Serial)
	e.Str(k.MAC)
	e.Str(k.Model)
	e.Str(k.Firmware)
	e.Str(k.RFID)
	e.Uint(uint64(k.Status))
	e.Uint(uint64(k.Reason))
	e.Str(k.Note)
	e.Uint(k.EmployeeID)
	e.Time(k.ImportedAt)
}

// KeyFields reads what Encoder.KeyFields writes.
func (d *Decoder) KeyFields() model.Key {
	return model.Key{
		ID: d.Uint(), Serial: d.Str(), MAC: d.Str(), Model: d.Str(), Firmware: d.Str(), RFID: d.Str(),
		Status: model.Status(d.Uint()), Reason: model.Reason(d.Uint()), Note: d.Str(),
		EmployeeID: d.Uint(), ImportedAt: d.Time(),
	}
}

// KeySinceSchema6 reads the fields schema 6 and later added to a key, the
// end of every format since: its profiles, its licence, its last holder.
func (d *Decoder) KeySinceSchema6(k *model.Key) {
	k.ProfileID, k.AppliedProfileID = d.Uint(), d.Uint()
	day := d.Uint()
	k.LicenceUntil = licenceDate(day)
	if d.err == nil && (k.ProfileID == 0 || k.AppliedProfileID == 0 || day > maxLicenceDay) {
		d.Fail() // every key has a profile, and a licence date an admin could give
	}
	k.LastHolderID = d.Uint()
}

// LicenceDay stores a licence end date as its day number, 0 for none
// (the first date allowed is in 2000).
func LicenceDay(t time.Time) uint64 {
	if t.IsZero() {
		return 0
	}
	return uint64(model.LicenceDay(t))
}

// maxLicenceDay is past every licence date an admin can give (the model
// allows up to 2099): a day beyond is a damaged record.
const maxLicenceDay = 1 << 17 // in 2328

func licenceDate(day uint64) time.Time {
	if day == 0 {
		return time.Time{}
	}
	return model.LicenceDate(int(day))
}
