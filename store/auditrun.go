package store

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/record"
)

// Since schema 7 an audit value holds a run of consecutive entries that
// share everything but the key they are about (an import writes one entry
// per key, each of them sealed into the chain on its own). A run is stored
// under the number of its first entry; most runs are one entry long.
//
// Format 3: the format byte, the number of entries, the shared fields
// (time, actor, action, from, to, reason, note, employee), then for each
// entry its key (the first as a number, the others as the difference from
// the one before), its target, the distances back to the entries before it
// about the same key and the same employee (0: none; these make the
// histories, see history.go), its link and its hash. The entry's number is
// where it stands in the run; its previous hash is the hash before it.
//
// Format 4 (schema 10 on) is format 3 with each entry's seal (recordseal.go:
// its signature and the list of records it wrote; empty for none) before
// its link, where schema 9 kept it in the bucket audit_seals: appending an
// entry then writes one bucket's pages, not two.

// auditRunMax bounds a run, so that reading one entry decodes few.
const auditRunMax = 64

// storedEntry is an entry as read from the trail, with what the trail
// keeps beside it. PrevHash is left to the reader.
type storedEntry struct {
	model.AuditEntry
	// prevOfKey and prevOfEmployee are the numbers of the entries before
	// this one about the same key and the same employee, 0 for none.
	prevOfKey, prevOfEmployee uint64
	link, hash                []byte // hash is raw, as Hash is in hex
	// seal is the entry's seal as stored (entrySeal), nil for none: read
	// from the entry in format 4, from audit_seals before schema 10.
	seal []byte
}

// runShares reports whether e may join a run that starts with first.
func runShares(first, e model.AuditEntry) bool {
	return e.Time.Equal(first.Time) && e.Actor == first.Actor && e.Action == first.Action && e.From == first.From &&
		e.To == first.To && e.Reason == first.Reason && e.Note == first.Note && e.EmployeeID == first.EmployeeID
}

// encodeAuditRun stores sealed entries (Hash and PrevHash set, numbered one
// after the other) that share their fields (runShares). actor is the
// actor's number in the trail's actor table. A run whose entries carry a
// seal is in format 4, one without in format 3.
func encodeAuditRun(run []storedEntry, actor uint64) ([]byte, error) {
	folded := slices.ContainsFunc(run, func(se storedEntry) bool { return se.seal != nil })
	size := runHeaderMax + len(run[0].Note)
	for i := range run {
		size += runEntryMax + len(run[i].Target) + len(run[i].seal)
	}
	e := record.Encoder{Buf: make([]byte, 0, size)} // one value, written once: every write stores one
	appendRunHeader(&e, run, actor, folded)
	for i := range run {
		if err := appendRunEntry(&e, run[:i], run[i], folded); err != nil {
			return nil, err
		}
	}
	return e.Buf, nil
}

// runEntryMax bounds an entry's fields in a run but its target and seal.
const runEntryMax = 5*binary.MaxVarintLen64 + record.AuditLinkSize + record.AuditHashSize

// runFormat is the format of a run with seals (folded) or without.
func runFormat(folded bool) byte {
	if folded {
		return record.AuditSealedRunFormat
	}
	return record.AuditRunFormat
}

// joinRun puts the run's shared fields before its entries.
func joinRun(run []storedEntry, actor uint64, body []byte, folded bool) []byte {
	e := record.Encoder{Buf: make([]byte, 0, runHeaderMax+len(run[0].Note)+len(body))}
	appendRunHeader(&e, run, actor, folded)
	return append(e.Buf, body...)
}

// appendRunHeader writes the run's format and shared fields.
func appendRunHeader(e *record.Encoder, run []storedEntry, actor uint64, folded bool) {
	first := run[0].AuditEntry
	e.Buf = append(e.Buf, runFormat(folded))
	e.Uint(uint64(len(run)))
	e.Time(first.Time)
	e.Uint(actor)
	e.Action(first.Action)
	e.Uint(uint64(first.From))
	e.Uint(uint64(first.To))
	e.Uint(uint64(first.Reason))
	e.Str(first.Note)
	e.Uint(first.EmployeeID)
}

// appendRunEntry encodes se as the entry after before in a run, with its
// seal when folded (format 4).
func appendRunEntry(e *record.Encoder, before []storedEntry, se storedEntry, folded bool) error {
	a := se.AuditEntry
	if len(before) == 0 {
		e.Uint(a.KeyID)
	} else {
		first, last := before[0].AuditEntry, before[len(before)-1].AuditEntry
		if a.Seq != last.Seq+1 || !runShares(first, a) {
			return fmt.Errorf("audit entry %d cannot be stored with entry %d", a.Seq, first.Seq)
		}
		e.Int(int64(a.KeyID - last.KeyID))
	}
	e.Target(a.Target)
	e.Uint(distance(a.Seq, se.prevOfKey))
	e.Uint(distance(a.Seq, se.prevOfEmployee))
	switch {
	case folded:
		e.Uint(uint64(len(se.seal)))
		e.Buf = append(e.Buf, se.seal...)
	case se.seal != nil:
		return fmt.Errorf("audit entry %d: its seal has no place in a run of format 3", a.Seq)
	}
	var hash, prev [record.AuditHashSize]byte
	if len(a.Hash) != 2*record.AuditHashSize || hexDecode(hash[:], a.Hash) != nil {
		return fmt.Errorf("audit entry %d: its hash %q is not a SHA-256", a.Seq, a.Hash)
	}
	switch {
	case se.link != nil:
		e.Buf = append(e.Buf, se.link...)
	case a.PrevHash == "":
		e.Buf = append(e.Buf, record.AuditLink(nil)...)
	case len(a.PrevHash) != 2*record.AuditHashSize || hexDecode(prev[:], a.PrevHash) != nil:
		return fmt.Errorf("audit entry %d: its previous hash %q is not a SHA-256", a.Seq, a.PrevHash)
	default:
		e.Buf = append(e.Buf, prev[:record.AuditLinkSize]...)
	}
	e.Buf = append(e.Buf, hash[:]...)
	return nil
}

// runPacker makes runs of a long series of entries (an import's) that fill
// bbolt's pages: two runs to a page, so that a run's end never leaves half
// a page empty.
type runPacker struct {
	actor  uint64 // the number of by in the actor table
	by     string
	folded bool // runs in format 4, with their entries' seals
	budget int  // bytes a run's value may take
	run    []storedEntry
	body   record.Encoder
	done   []packedRun
}

// packedRun is a run's value and where it goes.
type packedRun struct {
	first uint64
	value []byte
}

func newRunPacker(actor uint64, by string, pageSize int) *runPacker {
	// A leaf page holds its header (16 bytes), then per value an element
	// header (16), the key (8) and the value.
	return &runPacker{actor: actor, by: by, budget: (pageSize-16)/2 - 16 - 8}
}

// add appends a sealed entry, by the packer's actor, after the last one.
func (p *runPacker) add(se storedEntry) error {
	if se.Actor != p.by {
		return fmt.Errorf("audit entry %d is not by %s", se.Seq, p.by)
	}
	if len(p.run) > 0 && (len(p.run) == auditRunMax || !runShares(p.run[0].AuditEntry, se.AuditEntry)) {
		p.finish()
	}
	mark := len(p.body.Buf)
	if err := appendRunEntry(&p.body, p.run, se, p.folded); err != nil {
		return err
	}
	if len(p.run) > 0 && len(p.body.Buf)+runHeaderMax > p.budget {
		p.body.Buf = p.body.Buf[:mark]
		p.finish()
		return p.add(se)
	}
	p.run = append(p.run, se)
	return nil
}

// runHeaderMax bounds the shared fields of an import's runs (no note).
const runHeaderMax = 1 + 2 + binary.MaxVarintLen64 + 3*binary.MaxVarintLen16 + 4

// finish closes the run so far.
func (p *runPacker) finish() {
	if len(p.run) > 0 {
		p.done = append(p.done, packedRun{first: p.run[0].Seq, value: joinRun(p.run, p.actor, p.body.Buf, p.folded)})
		p.run, p.body.Buf = p.run[:0], p.body.Buf[:0]
	}
}

// close finishes the last run and lets go of the buffer the runs were
// made in (an import's last entry may carry a seal of megabytes).
func (p *runPacker) close() {
	p.finish()
	p.run, p.body.Buf = nil, nil
}

// hexDecode decodes hex text of exactly len(dst) bytes, without the
// copy of the text encoding/hex would need (twice per imported entry).
func hexDecode(dst []byte, text string) error {
	for i := range dst {
		hi, lo := unhex[text[2*i]], unhex[text[2*i+1]]
		if hi == 0xff || lo == 0xff {
			return hex.InvalidByteError(text[2*i])
		}
		dst[i] = hi<<4 | lo
	}
	return nil
}

// unhex is each byte's value as a hex digit, 0xff for none.
var unhex = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for i, c := range "0123456789abcdef" {
		t[c] = byte(i)
	}
	for i, c := range "ABCDEF" {
		t[c] = byte(10 + i)
	}
	return t
}()

// distance is how far back prev is from seq; 0 when there is none.
func distance(seq, prev uint64) uint64 {
	if prev == 0 {
		return 0
	}
	return seq - prev
}

// decodeAuditRun reads the run stored under number first (format 3 or 4).
// actors names the actor numbers.
func decodeAuditRun(first uint64, b []byte, actors map[uint64]string) ([]storedEntry, error) {
	folded := len(b) > 0 && b[0] == record.AuditSealedRunFormat
	d := record.NewDecoder(b, runFormat(folded))
	n := d.Uint()
	shared := model.AuditEntry{
		Time: d.Time(), Actor: d.Actor(actors), Action: d.Action(),
		From: model.Status(d.Uint()), To: model.Status(d.Uint()), Reason: model.Reason(d.Uint()), Note: d.Str(),
		EmployeeID: d.Uint(),
	}
	if d.Err() == nil && (n == 0 || n > uint64(d.Left())) {
		d.Fail()
	}
	if d.Err() != nil {
		return nil, d.Err()
	}
	run := make([]storedEntry, n)
	for i := range run {
		se := &run[i]
		se.AuditEntry = shared
		se.Seq = first + uint64(i)
		if i == 0 {
			se.KeyID = d.Uint()
		} else {
			se.KeyID = run[i-1].KeyID + uint64(d.Int())
		}
		se.Target = d.Target()
		se.prevOfKey = back(se.Seq, d.Uint())
		se.prevOfEmployee = back(se.Seq, d.Uint())
		if folded {
			if n := d.Uint(); n > 0 {
				if n > uint64(d.Left()) {
					return nil, record.ErrCorrupt
				}
				se.seal = d.Raw(int(n))
			}
		}
		se.link = d.Raw(record.AuditLinkSize)
		se.hash = d.Raw(record.AuditHashSize)
		if d.Err() != nil {
			return nil, d.Err()
		}
		se.Hash = hex.EncodeToString(se.hash)
	}
	if d.Left() != 0 {
		return nil, record.ErrCorrupt
	}
	return run, nil
}

// back undoes distance; a distance past the first entry reads as none.
func back(seq, dist uint64) uint64 {
	if dist == 0 || dist >= seq {
		return 0
	}
	return seq - dist
}
