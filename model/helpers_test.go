package model_test

import (
	"bytes"
	"io"
	"math/rand/v2"
	"time"

	"github.com/keydesk/keydesk/model"
)

// Fixed inputs shared by the model tests: every test is deterministic.
var (
	tNow = time.Date(2025, time.March, 14, 9, 26, 53, 0, time.UTC)
	// tEarlier is when the keys under test were imported and last written.
	tEarlier = tNow.Add(-30 * 24 * time.Hour)
)

const (
	tSerial      = "ABC123"
	tKeyID       = 7
	tHolderID    = 42 // the employee the tied keys belong to
	tNewHolderID = 99 // the employee a Ready key is assigned to
	tOldDigits   = "482913"
	tNewDigits   = "031337" // what tDigitsReader draws; note the leading zero
)

// tDigitsReader returns a stream that makes model.NewActivationCode draw
// exactly the given six digits. It follows the draw order of
// github.com/sethvargo/go-password v0.3.1: one byte per digit (masked to 4
// bits, rejected when >= 10), then, from the second digit on, one byte for
// the insertion position (len(s)+1 choices); inserting at len(s) appends.
// TestDigitsReaderDrawsWhatItSays checks the assumption.
func tDigitsReader(digits string) io.Reader {
	var b []byte
	for i := 0; i < len(digits); i++ {
		b = append(b, digits[i]-'0')
		if i > 0 {
			b = append(b, byte(i))
		}
	}
	return bytes.NewReader(b)
}

// tSeededReader is a long deterministic stream for many draws.
func tSeededReader(seed byte) io.Reader {
	var s [32]byte
	s[0] = seed
	return rand.NewChaCha8(s)
}

// tOldCode is the code a Reserved or Suspended key holds before the event:
// issued a day ago, one wrong attempt already made.
func tOldCode() *model.ActivationCode {
	return &model.ActivationCode{
		Digits:    tOldDigits,
		IssuedAt:  tNow.Add(-24 * time.Hour),
		ExpiresAt: tNow.Add(-24 * time.Hour).Add(model.CodeValidity),
		Failures:  1,
	}
}

// tKeyIn builds a consistent key in status s (0 is a key not imported yet).
func tKeyIn(s model.Status) model.Key {
	k := model.Key{
		ID:         tKeyID,
		Serial:     tSerial,
		MAC:        "AA:BB:CC:DD:EE:FF",
		Model:      "IPI Key 4",
		Firmware:   "3.4.1",
		RFID:       "0012AB",
		Status:     s,
		ImportedAt: tEarlier,
		UpdatedAt:  tEarlier.Add(time.Hour),
		Rev:        5,
	}
	switch s {
	case 0:
		k.ImportedAt, k.UpdatedAt, k.Rev = time.Time{}, time.Time{}, 0
	case model.Reserved:
		k.EmployeeID, k.Code = tHolderID, tOldCode()
	case model.Active:
		k.EmployeeID = tHolderID
	case model.Locked:
		k.EmployeeID, k.Reason = tHolderID, model.InvalidActivationCode
	case model.Suspended:
		k.EmployeeID, k.Note, k.Code = tHolderID, "on leave until May", tOldCode()
	case model.Deactivated:
		k.Reason, k.Note = model.Broken, "USB connector cracked"
	case model.Compromised:
		k.Reason, k.Note = model.Stolen, "bag stolen on the train"
	}
	return k
}

// tDeepCopy copies a key including the code it points to, without relying
// on Key.Clone (which is under test).
func tDeepCopy(k model.Key) model.Key {
	if k.Code != nil {
		c := *k.Code
		k.Code = &c
	}
	return k
}

// tAllStatuses is every status plus 0 ("no key yet").
var tAllStatuses = []model.Status{0, model.Ready, model.Reserved, model.Active, model.Locked, model.Suspended, model.Deactivated, model.Compromised}

// tAllEventKinds is every event kind the model defines.
var tAllEventKinds = []model.EventKind{
	model.EventImport, model.EventAssign, model.EventEnterCode, model.EventSuspend, model.EventUnlock,
	model.EventPinLocked, model.EventRemove, model.EventWiped, model.EventCompromise, model.EventReissue,
}
