package store

import (
	"bytes"
	"fmt"
	"slices"
	"sort"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/csvfile"
	bolt "go.etcd.io/bbolt"
)

// keySource are an import's rows as the chunks read them, one at a time.
type keySource interface {
	Len() int
	Row(i int) KeyRow
}

// keyImportIndex is the new values of one unique index, in its order:
// the values one after the other in one buffer, and for each where it
// is and which row it is of. At a million keys that is some 25 bytes a
// key, where strings and their headers took several times that.
type keyImportIndex struct {
	bucket  []byte
	label   string
	buf     []byte
	entries []indexSlot
}

type indexSlot struct {
	off uint32
	row uint32
	n   uint8 // the longest value, a serial, is model's 64 bytes
}

func (ix *keyImportIndex) value(e indexSlot) []byte { return ix.buf[e.off : e.off+uint32(e.n)] }

func (ix *keyImportIndex) add(value string, row int) {
	ix.entries = append(ix.entries, indexSlot{off: uint32(len(ix.buf)), row: uint32(row), n: uint8(len(value))})
	ix.buf = append(ix.buf, value...)
}

// sort puts the values in order; the rows of one value stay in file
// order.
func (ix *keyImportIndex) sort() {
	cmp := func(a, b indexSlot) int { return bytes.Compare(ix.value(a), ix.value(b)) }
	if !slices.IsSortedFunc(ix.entries, cmp) {
		slices.SortStableFunc(ix.entries, cmp)
	}
}

// checkKeyRows normalizes the rows, finds their profiles and licences,
// and checks that no serial, MAC or RFID is twice in the file or already
// in the stock. The bad rows are listed in an *ErrImport, in file order.
// It returns the values of each index in order, for the chunks.
func (s *Store) checkKeyRows(tx *bolt.Tx, rows keySource) ([]keyImportIndex, error) {
	indexes := []keyImportIndex{
		{bucket: bucketSerials, label: "serial"},
		{bucket: bucketMACs, label: "MAC address"},
		{bucket: bucketRFIDs, label: "RFID"},
	}
	fields := func(in model.KeyInput) [3]string { return [3]string{in.Serial, in.MAC, in.RFID} }
	profiles := profileIDs{tx: tx}
	problems := map[int][]string{} // by row, in the order found
	for i := range rows.Len() {
		row := rows.Row(i)
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
			continue
		}
		for f, v := range fields(in) {
			if v != "" {
				if len(v) > 255 {
					return nil, fmt.Errorf("line %d: a %s of %d bytes", row.Line, indexes[f].label, len(v)) // model bounds them far below
				}
				indexes[f].add(v, i)
			}
		}
	}
	for f := range indexes {
		ix := &indexes[f]
		ix.sort()
		stored := s.keyIndex(tx, ix.bucket)
		const batch = 1 << 16 // the values asked of the stock at once
		for lo := 0; lo < len(ix.entries); lo += batch {
			part := ix.entries[lo:min(len(ix.entries), lo+batch)]
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
				case at > 0 && bytes.Equal(ix.value(ix.entries[at-1]), ix.value(e)):
					problems[int(e.row)] = append(problems[int(e.row)], fmt.Sprintf("%s %s is also on line %d",
						ix.label, values[j], rows.Row(int(ix.entries[at-1].row)).Line))
				case inStock[j]:
					problems[int(e.row)] = append(problems[int(e.row)], fmt.Sprintf("%s %s is already in the stock", ix.label, values[j]))
				}
			}
		}
	}
	if len(problems) == 0 {
		return indexes, nil
	}
	bad := make([]int, 0, len(problems))
	for i := range problems {
		bad = append(bad, i)
	}
	sort.Ints(bad)
	var list csvfile.BadRows
	for _, i := range bad {
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
