// Package index keeps keydesk's unique indexes (serial, MAC address, RFID,
// e-mail, name -> record id) as bbolt buckets, written in the same
// transaction as the record they name.
package index

import (
	"bytes"
	"encoding/binary"
	"errors"

	"github.com/keydesk/keydesk/store/record"
	bolt "go.etcd.io/bbolt"
)

// The keys' unique indexes (serial, MAC address, RFID -> key id) are kept
// in runs since schema 8: each bbolt entry holds about RunBytes of values
// in order, under the first of them. bbolt's cost is per entry (a Put
// searches the bucket's node twice and grows it; the file gives each
// entry a 16-byte header): an import of 100,000 keys makes about 3,000
// entries rather than 300,000, and a lookup reads one run.

// RunBytes puts two runs and their keys in a 4 KiB page.
const RunBytes = 1900

// Entry is one value of a unique index and the id it names.
type Entry struct {
	Value []byte
	ID    uint64
}

// Runs is one of the keys' unique indexes in a transaction.
type Runs struct {
	b     *bolt.Bucket
	plain bool
}

// ErrPlain: only a store opened read-only has plain indexes, and a
// write never reaches them.
var ErrPlain = errors.New("the key indexes of a schema before 8 cannot be written: open the database for writing to upgrade it")

// OpenRuns is the index in b. plain is the layout of schemas before 8
// (one entry per value), which a read-only store reads as it is.
func OpenRuns(b *bolt.Bucket, plain bool) Runs {
	b.FillPercent = FillPercent
	return Runs{b: b, plain: plain}
}

// Get is the id value names, 0 when none does.
func (ix Runs) Get(value string) (uint64, error) {
	if ix.plain {
		return record.IndexID(ix.b.Get([]byte(value))), nil
	}
	_, raw := ix.runOf([]byte(value))
	for len(raw) > 0 {
		var e Entry
		var err error
		if e, raw, err = nextInRun(raw); err != nil {
			return 0, err
		}
		switch bytes.Compare(e.Value, []byte(value)) {
		case 0:
			return e.ID, nil
		case 1:
			return 0, nil
		}
	}
	return 0, nil
}

// Contains says which of values, in order, the index holds. It reads
// each run they fall in once: an import checks all its values.
func (ix Runs) Contains(values []string) ([]bool, error) {
	found := make([]bool, len(values))
	if ix.plain {
		for i, v := range values {
			found[i] = ix.b.Get([]byte(v)) != nil
		}
		return found, nil
	}
	var run []Entry
	var next []byte // the first value of the run after run; nil: none, or no run yet
	for i, v := range values {
		if i == 0 || next != nil && bytes.Compare(next, []byte(v)) <= 0 {
			first, raw := ix.runOf([]byte(v))
			var err error
			if run, err = DecodeRun(raw); err != nil {
				return nil, err
			}
			next = ix.runAfter(first)
		}
		_, found[i] = findInRun(run, []byte(v))
	}
	return found, nil
}

// Reindex moves id from the value old to new ("": none).
func (ix Runs) Reindex(old, new string, id uint64) error {
	return move(old, new, ix.remove, func(name []byte) error { return ix.Insert([]Entry{{name, id}}) })
}

// runOf finds the run that holds value if any does: the last whose first
// value is not after it. first is nil when value comes before every run.
func (ix Runs) runOf(value []byte) (first, run []byte) {
	c := ix.b.Cursor()
	k, raw := c.Seek(value)
	switch {
	case k == nil:
		k, raw = c.Last()
	case !bytes.Equal(k, value):
		k, raw = c.Prev()
	}
	return k, raw
}

// runAfter is the first value of the run after the one under first, or
// of the first run when first is nil; nil when there is none.
func (ix Runs) runAfter(first []byte) []byte {
	c := ix.b.Cursor()
	if first == nil {
		k, _ := c.First()
		return k
	}
	c.Seek(first)
	k, _ := c.Next()
	return k
}

// findInRun is where value is in run, or would go.
func findInRun(run []Entry, value []byte) (int, bool) {
	lo, hi := 0, len(run)
	for lo < hi {
		mid := (lo + hi) / 2
		if bytes.Compare(run[mid].Value, value) < 0 {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo, lo < len(run) && bytes.Equal(run[lo].Value, value)
}

// Insert adds entries, in order of value and each value once; a value
// already in the index gets the new id. The entries that fall into one
// run are merged into it together, so that an import into a full index
// rewrites each run it touches once.
func (ix Runs) Insert(entries []Entry) error {
	if ix.plain {
		return ErrPlain
	}
	for len(entries) > 0 {
		first, raw := ix.runOf(entries[0].Value)
		if first == nil {
			// Before every run: into the first one (if any), which then
			// begins with entries[0].
			first, raw = ix.b.Cursor().First()
		}
		run, err := DecodeRun(raw)
		if err != nil {
			return err
		}
		next := ix.runAfter(first)
		if first != nil {
			if err := ix.b.Delete(first); err != nil {
				return err
			}
		}
		n := len(entries)
		if next != nil {
			n, _ = findInRun(entries, next) // entries from next on belong further on
		}
		if err := ix.putRuns(mergeRuns(run, entries[:n])); err != nil {
			return err
		}
		entries = entries[n:]
	}
	return nil
}

// remove takes value out of the index.
func (ix Runs) remove(value []byte) error {
	if ix.plain {
		return ErrPlain
	}
	first, raw := ix.runOf(value)
	run, err := DecodeRun(raw)
	if err != nil {
		return err
	}
	i, found := findInRun(run, value)
	if !found {
		return nil
	}
	if err := ix.b.Delete(first); err != nil {
		return err
	}
	return ix.putRuns(append(run[:i:i], run[i+1:]...))
}

// putRuns stores entries as runs of about equal size, about RunBytes at
// most.
func (ix Runs) putRuns(entries []Entry) error {
	total := 0
	for _, e := range entries {
		total += entrySize(e)
	}
	parts := (total + RunBytes - 1) / RunBytes
	start, done, size := 0, 0, 0
	for i, e := range entries {
		// A run ends where the bytes so far reach its share of the total.
		if size += entrySize(e); i+1 < len(entries) && size*parts < (done+1)*total {
			continue
		}
		run := entries[start : i+1]
		if err := ix.b.Put(bytes.Clone(run[0].Value), EncodeRun(run)); err != nil {
			return err
		}
		start, done = i+1, done+1
	}
	return nil
}

// entrySize is how many bytes EncodeRun gives e.
func entrySize(e Entry) int {
	return uvarintSize(uint64(len(e.Value))) + len(e.Value) + uvarintSize(e.ID)
}

func uvarintSize(v uint64) int {
	n := 1
	for ; v >= 0x80; v >>= 7 {
		n++
	}
	return n
}

// mergeRuns is a and b in order of value, b's id for a value in both.
func mergeRuns(a, b []Entry) []Entry {
	if len(a) == 0 {
		return b // an import into an empty index: nothing to merge
	}
	merged := make([]Entry, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		switch c := bytes.Compare(a[0].Value, b[0].Value); {
		case c < 0:
			merged, a = append(merged, a[0]), a[1:]
		case c > 0:
			merged, b = append(merged, b[0]), b[1:]
		default:
			merged, a, b = append(merged, b[0]), a[1:], b[1:]
		}
	}
	return append(append(merged, a...), b...)
}

// EncodeRun is each entry's value (its length first) and id, as uvarints.
func EncodeRun(run []Entry) []byte {
	size := 0
	for _, e := range run {
		size += entrySize(e)
	}
	buf := make([]byte, 0, size)
	for _, e := range run {
		buf = binary.AppendUvarint(buf, uint64(len(e.Value)))
		buf = append(buf, e.Value...)
		buf = binary.AppendUvarint(buf, e.ID)
	}
	return buf
}

// DecodeRun reads a run; its values are slices of raw.
func DecodeRun(raw []byte) ([]Entry, error) {
	var run []Entry
	for len(raw) > 0 {
		var e Entry
		var err error
		if e, raw, err = nextInRun(raw); err != nil {
			return nil, err
		}
		run = append(run, e)
	}
	return run, nil
}

// nextInRun reads the entry raw begins with and returns the rest.
func nextInRun(raw []byte) (Entry, []byte, error) {
	size, n := binary.Uvarint(raw)
	if n <= 0 || uint64(len(raw)-n) < size {
		return Entry{}, nil, record.ErrCorrupt
	}
	value := raw[n : n+int(size)]
	raw = raw[n+int(size):]
	id, n := binary.Uvarint(raw)
	if n <= 0 {
		return Entry{}, nil, record.ErrCorrupt
	}
	return Entry{value, id}, raw[n:], nil
}
