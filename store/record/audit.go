package record

import (
	"encoding/hex"
	"strings"

	"github.com/keydesk/keydesk/model"
)

// An audit entry stores its actor as a number (the trail's actor table),
// its action as a code, and ends with a link to the entry before it and its
// own hash, raw. The previous entry's hash is not stored: it is the hash
// of the entry before it in the bucket, which readers fill in. The link
// (the first bytes of that hash, as it was when the entry was sealed) only
// lets VerifyAudit tell "this entry was changed" from "the entry before it
// was replaced": the hash covers the whole previous hash, so a forged
// predecessor that happens to match the link is still found, as a change.
const (
	AuditLinkSize = 2
	AuditHashSize = 32 // SHA-256
)

// AuditSealedRunFormat is format 3 (a run) with each entry's seal (its
// signature and the list of records it wrote) kept in the entry, before
// its link: since schema 10, where they left the bucket audit_seals.
const AuditSealedRunFormat = 4

// auditActions numbers the known actions, so that an entry stores one
// byte for them. Code 0 means the name follows in full, which keeps the
// format open to actions added later. Append only: the codes are in files.
var auditActions = []model.Action{
	"",
	model.ActionKeyImported,
	model.ActionKeyAssigned,
	model.ActionKeyActivated,
	model.ActionKeyLockedByCode,
	model.ActionKeyPinLocked,
	model.ActionKeySuspended,
	model.ActionKeyUnlocked,
	model.ActionKeyRemoved,
	model.ActionKeyWiped,
	model.ActionKeyCompromised,
	model.ActionCodeReissued,
	model.ActionCodeRejected,
	model.ActionCodeExpired,
	model.ActionCodeShown,
	model.ActionCodeEmailed,
	model.ActionCodeEmailFailed,
	model.ActionEmployeeCreated,
	model.ActionEmployeeEdited,
	model.ActionEmployeeDeleted,
	model.ActionSettingsChanged,
	model.ActionCodeRefused,
	model.ActionAdminAdded, // schema 4
	model.ActionAdminRole,
	model.ActionAdminRemoved,
	model.ActionAccessRefused,
	model.ActionBackupMade, // schema 5
	model.ActionBackupFailed,
	model.ActionProfileAdded, // schema 6
	model.ActionProfileEdited,
	model.ActionProfileDeleted,
	model.ActionKeyProfile,
	model.ActionKeyProfileApplied,
	model.ActionKeyLicence,
	model.ActionKeyRFID,
}

var auditActionCodes = func() map[model.Action]uint64 {
	codes := make(map[model.Action]uint64, len(auditActions))
	for i, a := range auditActions[1:] {
		codes[a] = uint64(i + 1)
	}
	return codes
}()

// Actor reads an actor's number and names it from actors; number 0 is no
// actor.
func (d *Decoder) Actor(actors map[uint64]string) string {
	id := d.Uint()
	name, ok := actors[id]
	if d.err == nil && id != 0 && !ok {
		d.err = ErrCorrupt
	}
	return name
}

func (e *Encoder) Action(a model.Action) {
	if code, ok := auditActionCodes[a]; ok {
		e.Uint(code)
		return
	}
	e.Uint(0)
	e.Str(string(a))
}

func (d *Decoder) Action() model.Action {
	code := d.Uint()
	switch {
	case d.err != nil:
		return ""
	case code == 0:
		return model.Action(d.Str())
	case code < uint64(len(auditActions)):
		return auditActions[code]
	}
	d.err = ErrCorrupt
	return ""
}

// targetKinds are the words audit targets start with, stored as a number
// (0: none of these, the whole target follows). Append only: the number is
// on disk.
var targetKinds = []string{"", "key ", "employee ", "admin ", "profile "}

func (e *Encoder) Target(t string) {
	for code, prefix := range targetKinds[1:] {
		if strings.HasPrefix(t, prefix) {
			e.Uint(uint64(code + 1))
			e.Str(t[len(prefix):])
			return
		}
	}
	e.Uint(0)
	e.Str(t)
}

func (d *Decoder) Target() string {
	code := d.Uint()
	rest := d.Str()
	if d.err == nil && code >= uint64(len(targetKinds)) {
		d.err = ErrCorrupt
	}
	if d.err != nil {
		return ""
	}
	return targetKinds[code] + rest
}

// StoredHashRaw is the hash at the end of an encoded entry, nil when v is
// not one (no entry, or a damaged one, which its own decoding reports).
func StoredHashRaw(v []byte) []byte {
	if len(v) < 1+AuditLinkSize+AuditHashSize || (v[0] != AuditFormat2 && v[0] != AuditRunFormat && v[0] != AuditSealedRunFormat) {
		return nil
	}
	return v[len(v)-AuditHashSize:]
}

// StoredHash is StoredHashRaw in hex, as model.AuditEntry holds it.
func StoredHash(v []byte) string { return hex.EncodeToString(StoredHashRaw(v)) }

// StoredLink is the link an encoded entry holds to the one before it.
func StoredLink(v []byte) []byte {
	if StoredHashRaw(v) == nil {
		return nil
	}
	return v[len(v)-AuditHashSize-AuditLinkSize : len(v)-AuditHashSize]
}

// AuditLink is the link to an entry with the given raw hash: its first
// bytes, zeros for none (the first entry).
func AuditLink(prevHash []byte) []byte {
	link := make([]byte, AuditLinkSize)
	copy(link, prevHash)
	return link
}
