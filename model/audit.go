package model

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strconv"
	"time"
)

// Action names what an audit entry records.
type Action string

const (
	ActionKeyImported       Action = "key.imported"
	ActionKeyAssigned       Action = "key.assigned"
	ActionKeyActivated      Action = "key.activated"
	ActionKeyLockedByCode   Action = "key.locked"
	ActionKeyPinLocked      Action = "key.pin_locked"
	ActionKeySuspended      Action = "key.suspended"
	ActionKeyUnlocked       Action = "key.unlocked"
	ActionKeyRemoved        Action = "key.removed"
	ActionKeyWiped          Action = "key.wiped"
	ActionKeyCompromised    Action = "key.compromised"
	ActionKeyReportedLost   Action = "key.reported_lost" // Suspended, waiting for an admin
	ActionCodeReissued      Action = "code.reissued"
	ActionCodeRejected      Action = "code.rejected"
	ActionCodeExpired       Action = "code.expired"
	ActionCodeRefused       Action = "code.refused" // not a code, or the key waits for none
	ActionCodeShown         Action = "code.shown"
	ActionCodeEmailed       Action = "code.emailed"
	ActionCodeEmailFailed   Action = "code.email_failed"
	ActionEmployeeCreated   Action = "employee.created"
	ActionEmployeeEdited    Action = "employee.edited"
	ActionEmployeeDeleted   Action = "employee.deleted"
	ActionSettingsChanged   Action = "settings.changed"
	ActionAdminAdded        Action = "admin.added"
	ActionAdminRole         Action = "admin.role_changed"
	ActionAdminRemoved      Action = "admin.removed"
	ActionAccessRefused     Action = "access.refused" // an operation the role does not allow
	ActionBackupMade        Action = "backup.made"    // written before the copy, so the copy holds it
	ActionBackupFailed      Action = "backup.failed"
	ActionProfileAdded      Action = "profile.added"
	ActionProfileEdited     Action = "profile.edited"
	ActionProfileDeleted    Action = "profile.deleted"
	ActionKeyProfile        Action = "key.profile_changed" // pending until the device applies it
	ActionKeyProfileApplied Action = "key.profile_applied"
	ActionKeyLicence        Action = "key.licence_changed"
	ActionKeyRFID           Action = "key.rfid_changed"
	// The employees' lifecycle and the directory (employee_lifecycle.go).
	ActionEmployeeLeft         Action = "employee.left"
	ActionEmployeeReturned     Action = "employee.returned"
	ActionDirectorySynced      Action = "directory.synced"
	ActionDirectorySyncRefused Action = "directory.sync_refused"
)

// AuditEntry is one line of the trail. Hash covers every other field and
// the previous entry's hash, so that changing or deleting any entry breaks
// the chain from there on.
type AuditEntry struct {
	Seq      uint64
	Time     time.Time
	Actor    string
	Action   Action
	Target   string // "key ABC123", "employee jane@example.com"
	From     Status
	To       Status
	Reason   Reason
	Note     string
	PrevHash string
	Hash     string

	// Which records the entry is about, for their history pages. Covered
	// by the hash too.
	KeyID      uint64
	EmployeeID uint64

	// Writes is the hex SHA-256 of the list of records the entry's
	// command wrote, each with the digest of its new bytes (the store's
	// record seals); "" for an entry that wrote none or was written
	// before records were sealed. Covered by the hash only when set, so
	// that older entries keep their hashes.
	Writes string
}

// ComputeHash returns the hex SHA-256 of the entry's content and PrevHash:
// each field as text, preceded by its length as 8 bytes big-endian. The
// whole input is built in one buffer and hashed at once (an import seals
// 100,000 entries).
func (e AuditEntry) ComputeHash() string { return e.hashWith(nil) }

// hashWith is ComputeHash with the entry's time already formatted (nil:
// not yet).
func (e AuditEntry) hashWith(timeText []byte) string {
	var stack [512]byte
	b := stack[:0]
	field := func(s string) {
		b = binary.BigEndian.AppendUint64(b, uint64(len(s)))
		b = append(b, s...)
	}
	// appended writes a field that append writes, its length before it.
	appended := func(append func([]byte) []byte) {
		start := len(b)
		b = append(binary.BigEndian.AppendUint64(b, 0))
		binary.BigEndian.PutUint64(b[start:], uint64(len(b)-start-8))
	}
	appended(func(b []byte) []byte { return strconv.AppendUint(b, e.Seq, 10) })
	appended(func(b []byte) []byte {
		if timeText != nil {
			return append(b, timeText...)
		}
		return e.Time.UTC().AppendFormat(b, time.RFC3339Nano)
	})
	field(e.Actor)
	field(string(e.Action))
	field(e.Target)
	field(e.From.String())
	field(e.To.String())
	field(e.Reason.String())
	field(e.Note)
	appended(func(b []byte) []byte { return strconv.AppendUint(b, e.KeyID, 10) })
	appended(func(b []byte) []byte { return strconv.AppendUint(b, e.EmployeeID, 10) })
	field(e.PrevHash)
	if e.Writes != "" {
		field(e.Writes)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Seal sets PrevHash and Hash, chaining the entry after prev.
func (e *AuditEntry) Seal(prevHash string) {
	e.PrevHash = prevHash
	e.Hash = e.ComputeHash()
}

// Sealer seals many entries one after the other, as Seal would, formatting
// each moment once (an import seals 100,000 entries of one moment).
type Sealer struct {
	last     time.Time
	timeText []byte
}

// Seal sets e's PrevHash and Hash, chaining it after prevHash.
func (s *Sealer) Seal(e *AuditEntry, prevHash string) {
	if s.timeText == nil || !e.Time.Equal(s.last) { // the text is of the moment, in UTC
		s.last, s.timeText = e.Time, e.Time.UTC().AppendFormat(s.timeText[:0], time.RFC3339Nano)
	}
	e.PrevHash = prevHash
	e.Hash = e.hashWith(s.timeText)
}

// StatusName is the status as audit and exports write it: "" for none.
func StatusName(s Status) string {
	if s == 0 {
		return ""
	}
	return s.String()
}
