package migrate

import (
	"encoding/hex"
	"fmt"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/record"
)

// DecodeAuditV1 reads an entry in format 1, which only schema 1 wrote:
// both hashes as hex text, actor and action as text.
func DecodeAuditV1(b []byte) (model.AuditEntry, error) {
	d := record.NewDecoder(b, record.Format1)
	a := model.AuditEntry{
		Seq: d.Uint(), Time: d.Time(), Actor: d.Str(), Action: model.Action(d.Str()), Target: d.Str(),
		From: model.Status(d.Uint()), To: model.Status(d.Uint()), Reason: model.Reason(d.Uint()), Note: d.Str(),
		KeyID: d.Uint(), EmployeeID: d.Uint(), PrevHash: d.Str(), Hash: d.Str(),
	}
	return a, d.Err()
}

// EncodeAuditV2 stores a sealed entry in format 2, as schemas 2 to 6 did:
// Hash and PrevHash must be hex SHA-256 (PrevHash empty for the first
// entry). actor is the actor's number in the trail's actor table. Its
// fields are written out one by one on purpose: format 2 is frozen, and
// shares no field order with today's runs (store's auditrun.go).
func EncodeAuditV2(a model.AuditEntry, actor uint64) ([]byte, error) {
	hash, err := hex.DecodeString(a.Hash)
	if err != nil || len(hash) != record.AuditHashSize {
		return nil, fmt.Errorf("audit entry %d: its hash %q is not a SHA-256", a.Seq, a.Hash)
	}
	prev, err := hex.DecodeString(a.PrevHash)
	if err != nil || (len(prev) != 0 && len(prev) != record.AuditHashSize) {
		return nil, fmt.Errorf("audit entry %d: its previous hash %q is not a SHA-256", a.Seq, a.PrevHash)
	}
	e := record.NewEncoder(record.AuditFormat2)
	e.Uint(a.Seq)
	e.Time(a.Time)
	e.Uint(actor)
	e.Action(a.Action)
	e.Target(a.Target)
	e.Uint(uint64(a.From))
	e.Uint(uint64(a.To))
	e.Uint(uint64(a.Reason))
	e.Str(a.Note)
	e.Uint(a.KeyID)
	e.Uint(a.EmployeeID)
	e.Bytes(record.AuditLink(prev))
	e.Bytes(hash)
	return e.Buf, nil
}

// DecodeAuditV2 reads an entry in format 2 without its PrevHash: the
// caller fills it in from the entry before. actors names the actor
// numbers; number 0 is no actor.
func DecodeAuditV2(b []byte, actors map[uint64]string) (model.AuditEntry, error) {
	d := record.NewDecoder(b, record.AuditFormat2)
	a := model.AuditEntry{
		Seq: d.Uint(), Time: d.Time(), Actor: d.Actor(actors), Action: d.Action(), Target: d.Target(),
		From: model.Status(d.Uint()), To: model.Status(d.Uint()), Reason: model.Reason(d.Uint()), Note: d.Str(),
		KeyID: d.Uint(), EmployeeID: d.Uint(),
	}
	tail := d.Raw(record.AuditLinkSize + record.AuditHashSize)
	if err := d.End(); err != nil {
		return model.AuditEntry{}, err
	}
	a.Hash = hex.EncodeToString(tail[record.AuditLinkSize:])
	return a, nil
}
