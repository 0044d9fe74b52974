package store

import (
	"crypto/sha256"
	"maps"
	"slices"
)

// lastWrites is what audit verify keeps of the records of one kind stored
// under 8-byte ids (keys, their codes, employees, profiles): for each, the
// last write the trail made of it. At a million records a map of them
// held 100 bytes a record and more; here they are two arrays indexed by
// id, 24 bytes a record whatever the trail's length: the entry (8 bytes)
// and the first 128 bits of the record's SHA-256 digest (16). A record
// changed outside keydesk so that it still matches needs a second
// preimage of those 128 bits. Ids are the buckets' sequences, so the
// arrays are dense; an id past the bucket's sequence (which keydesk never
// writes) is kept in a map beside them.
type lastWrites struct {
	limit uint64   // the largest id the arrays may hold
	seqs  []uint64 // by id: 1 + the entry that last wrote it (0 for the file's first records), 0 none, |goneBit when it removed it
	sums  []sum128
	more  map[uint64]lastWrite // ids past limit
}

// sum128 is the first half of a record's digest.
type sum128 [16]byte

const goneBit = 1 << 63

func newLastWrites(limit uint64) *lastWrites { return &lastWrites{limit: limit} }

func (t *lastWrites) put(id uint64, lw lastWrite) {
	if id > t.limit || lw.seq+1 >= goneBit {
		if t.more == nil {
			t.more = map[uint64]lastWrite{}
		}
		t.more[id] = lw
		if id < uint64(len(t.seqs)) {
			t.seqs[id] = 0
		}
		return
	}
	if id >= uint64(len(t.seqs)) {
		t.grow(id)
	}
	delete(t.more, id)
	t.seqs[id] = lw.seq + 1
	if lw.gone {
		t.seqs[id] |= goneBit
	}
	copy(t.sums[id][:], lw.sum[:])
}

// grow makes room for id: doubling, up to limit, so that the records of
// an import (ids in order) are copied a few times, not once each.
func (t *lastWrites) grow(id uint64) {
	n := min(max(2*uint64(len(t.seqs)), id+1, 1024), t.limit+1)
	seqs, sums := make([]uint64, n), make([]sum128, n)
	copy(seqs, t.seqs)
	copy(sums, t.sums)
	t.seqs, t.sums = seqs, sums
}

// take returns id's last write and forgets it; ok false when the trail
// never wrote it.
func (t *lastWrites) take(id uint64) (lw lastWrite, ok bool) {
	if lw, ok = t.more[id]; ok {
		delete(t.more, id)
		return lw, true
	}
	if id >= uint64(len(t.seqs)) || t.seqs[id] == 0 {
		return lastWrite{}, false
	}
	lw = lastWrite{seq: t.seqs[id]&^goneBit - 1, gone: t.seqs[id]&goneBit != 0}
	copy(lw.sum[:], t.sums[id][:])
	t.seqs[id] = 0
	return lw, true
}

// matches says whether a record's digest is the one kept.
func (lw lastWrite) matches(sum [sha256.Size]byte) bool {
	return [16]byte(sum[:16]) == [16]byte(lw.sum[:16])
}

// left calls fn with every id not taken: those of the arrays in id
// order, then the others.
func (t *lastWrites) left(fn func(id uint64, lw lastWrite)) {
	for id, seq := range t.seqs {
		if seq != 0 {
			fn(uint64(id), lastWrite{seq: seq&^goneBit - 1, gone: seq&goneBit != 0})
		}
	}
	for _, id := range slices.Sorted(maps.Keys(t.more)) {
		fn(id, t.more[id])
	}
}
