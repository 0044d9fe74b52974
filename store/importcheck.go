package store

import (
	"bytes"
	"fmt"
	"slices"
	"sort"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/csvfile"
	"github.com/keydesk/keydesk/store/index"
	bolt "go.etcd.io/bbolt"
)

// keySource are an import's rows as the chunks read them, one at a time.
type keySource interface {
	Len() int
	Row(i int) KeyRow
}

// keyImportIndex is the new values of one unique index, in its order.
// While the rows are checked, the values are one after the other in
// blocks of a MiB, and each slot says where one is and which row it is
// of; once in order they are cut into the chunks' parts, each released
// once written. At a million keys that is some 25 bytes a key and value,
// where strings and their headers took several times that.
type keyImportIndex struct {
	bucket []byte
	label  string
	blocks [][]byte
	slots  []indexSlot
	parts  []indexPart // once in order: the values each chunk writes
}

// indexSlot is where a value is (block<<indexBlockBits | offset in
// it: its length, then its bytes; the longest value, a serial, is
// model's 64 bytes) and the row it is of.
type indexSlot struct{ at, row uint32 }

const indexBlockBits = 20

func (ix *keyImportIndex) value(e indexSlot) []byte {
	b := ix.blocks[e.at>>indexBlockBits]
	off := e.at & (1<<indexBlockBits - 1)
	return b[off+1 : off+1+uint32(b[off])]
}

func (ix *keyImportIndex) add(value string, row, rows int) {
	if ix.slots == nil {
		ix.slots = make([]indexSlot, 0, rows)
	}
	n := len(ix.blocks)
	if n == 0 || len(ix.blocks[n-1])+1+len(value) > 1<<indexBlockBits {
		ix.blocks = append(ix.blocks, make([]byte, 0, 1<<indexBlockBits))
		n++
	}
	b := ix.blocks[n-1]
	ix.slots = append(ix.slots, indexSlot{at: uint32(n-1)<<indexBlockBits | uint32(len(b)), row: uint32(row)})
	ix.blocks[n-1] = append(append(b, byte(len(value))), value...)
}

// sort puts the values in order; the rows of one value stay in file
// order.
func (ix *keyImportIndex) sort() {
	cmp := func(a, b indexSlot) int { return bytes.Compare(ix.value(a), ix.value(b)) }
	if !slices.IsSortedFunc(ix.slots, cmp) {
		slices.SortStableFunc(ix.slots, cmp)
	}
}

// indexPart is the values one chunk writes into an index, in order:
// each a length and the bytes, and the rows they are of.
type indexPart struct {
	values []byte
	rows   []uint32
}

// cut cuts the values, in order, into the parts of chunks chunks, and
// lets go of the rest.
func (ix *keyImportIndex) cut(chunks int) {
	per := (len(ix.slots) + chunks - 1) / chunks
	ix.parts = make([]indexPart, chunks)
	for k := range ix.parts {
		slots := ix.slots[min(len(ix.slots), k*per):min(len(ix.slots), (k+1)*per)]
		size := 0
		for _, e := range slots {
			size += 1 + len(ix.value(e))
		}
		p := indexPart{values: make([]byte, 0, size), rows: make([]uint32, len(slots))}
		for j, e := range slots {
			v := ix.value(e)
			p.values = append(append(p.values, byte(len(v))), v...)
			p.rows[j] = e.row
		}
		ix.parts[k] = p
	}
	ix.blocks, ix.slots = nil, nil
}

// take is part k's entries for keys numbered from firstID on; the part
// is let go.
func (ix *keyImportIndex) take(k int, firstID uint64) []index.Entry {
	p := ix.parts[k]
	ix.parts[k] = indexPart{}
	entries := make([]index.Entry, len(p.rows))
	v := p.values
	for j, row := range p.rows {
		n := int(v[0])
		entries[j] = index.Entry{Value: v[1 : 1+n], ID: firstID + uint64(row)}
		v = v[1+n:]
	}
	return entries
}

// checkKeyRows normalizes the rows, finds their profiles and licences,
// and checks that no serial, MAC or RFID is twice in the file or already
// in the stock. The bad rows are listed in an *ImportError, in file order.
// It returns the values of each index in order, for the chunks; profiles
// keeps every profile the rows name. firstPassGood is called once every
// row is found good on its own and every serial new, before the other
// values are checked (which may yet refuse the rows).
func (s *Store) checkKeyRows(tx *bolt.Tx, rows keySource, profiles *profileIDs, firstPassGood func()) ([]keyImportIndex, error) {
	indexes := []keyImportIndex{
		{bucket: bucketSerials, label: "serial"},
		{bucket: bucketMACs, label: "MAC address"},
		{bucket: bucketRFIDs, label: "RFID"},
	}
	// Once the first pass has set the bad rows aside, each later pass
	// normalizes only its own field, as NormalizeKey does.
	later := [3]func(KeyRow) (string, error){
		nil,
		func(row KeyRow) (string, error) { return model.NormalizeMAC(row.MAC) },
		func(row KeyRow) (string, error) { return model.NormalizeRFID(row.RFID) },
	}
	problems := map[int][]string{} // by row, in the order found
	bad := make([]bool, rows.Len())
	chunks := max(1, int((uint64(rows.Len())+importChunkKeys-1)/importChunkKeys))
	// One index at a time, each from a pass over the rows (the first
	// also finds the bad ones): one index's values in memory rather than
	// three, for the price of reading the rows thrice.
	for f := range indexes {
		ix := &indexes[f]
		if f == 1 && len(problems) == 0 {
			firstPassGood() // the rows are good and their profiles known
		}
		for i := range rows.Len() {
			if bad[i] {
				continue
			}
			row := rows.Row(i)
			var v string
			if f == 0 {
				in, err := model.NormalizeKey(row.KeyInput)
				var errs []error
				if err != nil {
					errs = model.KeyProblems(row.KeyInput)
					if len(errs) == 0 {
						errs = []error{err}
					}
				}
				_, extraErrs := profiles.extras(row)
				if errs = append(errs, extraErrs...); len(errs) > 0 {
					for _, err := range errs {
						problems[i] = append(problems[i], err.Error())
					}
					bad[i] = true
					continue
				}
				v = in.Serial
			} else {
				var err error
				if v, err = later[f](row); err != nil {
					return nil, lineError(row.Line, err) // it was good in the first pass
				}
			}
			if v != "" {
				if len(v) > 255 {
					return nil, fmt.Errorf("line %d: a %s of %d bytes", row.Line, ix.label, len(v)) // model bounds them far below
				}
				ix.add(v, i, rows.Len())
			}
		}
		ix.sort()
		stored := s.keyIndex(tx, ix.bucket)
		const batch = 1 << 16 // the values asked of the stock at once
		for lo := 0; lo < len(ix.slots); lo += batch {
			part := ix.slots[lo:min(len(ix.slots), lo+batch)]
			values := make([]string, len(part))
			for j, e := range part {
				values[j] = string(ix.value(e))
			}
			inStock, err := stored.Contains(values)
			if err != nil {
				return nil, err
			}
			for j, e := range part {
				at := lo + j
				switch {
				case at > 0 && bytes.Equal(ix.value(ix.slots[at-1]), ix.value(e)):
					problems[int(e.row)] = append(problems[int(e.row)], fmt.Sprintf("%s %s is also on line %d",
						ix.label, values[j], rows.Row(int(ix.slots[at-1].row)).Line))
				case inStock[j]:
					problems[int(e.row)] = append(problems[int(e.row)], fmt.Sprintf("%s %s is already in the stock", ix.label, values[j]))
				}
			}
		}
		ix.cut(chunks) // its values checked, before the next index's are sorted
	}
	if len(problems) == 0 {
		return indexes, nil
	}
	lines := make([]int, 0, len(problems))
	for i := range problems {
		lines = append(lines, i)
	}
	sort.Ints(lines)
	var list csvfile.BadRows
	for _, i := range lines {
		for _, msg := range problems[i] {
			list.Add(rows.Row(i).Line, msg)
		}
	}
	return nil, list.Err()
}

// keyRowList is rows held as the faces give them.
type keyRowList []KeyRow

func (l keyRowList) Len() int         { return len(l) }
func (l keyRowList) Row(i int) KeyRow { return l[i] }
