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
}

// ComputeHash returns the hex SHA-256 of the entry's content and PrevHash.
func (e AuditEntry) ComputeHash() string {
	h := sha256.New()
	var num [8]byte
	field := func(s string) {
		binary.BigEndian.PutUint64(num[:], uint64(len(s)))
		h.Write(num[:])
		h.Write([]byte(s))
	}
	field(strconv.FormatUint(e.Seq, 10))
	field(e.Time.UTC().Format(time.RFC3339Nano))
	field(e.Actor)
	field(string(e.Action))
	field(e.Target)
	field(e.From.String())
	field(e.To.String())
	field(e.Reason.String())
	field(e.Note)
	field(strconv.FormatUint(e.KeyID, 10))
	field(strconv.FormatUint(e.EmployeeID, 10))
	field(e.PrevHash)
	return hex.EncodeToString(h.Sum(nil))
}

// Seal sets PrevHash and Hash, chaining the entry after prev.
func (e *AuditEntry) Seal(prevHash string) {
	e.PrevHash = prevHash
	e.Hash = e.ComputeHash()
}

// StatusName is the status as audit and exports write it: "" for none.
func StatusName(s Status) string {
	if s == 0 {
		return ""
	}
	return s.String()
}
