package csvfile

import (
	"context"
	"encoding/binary"
	"io"
	"strings"

	"github.com/keydesk/keydesk/model"
)

// KeyTable is a keys file's rows held compactly: each row's fields one
// after the other in blocks of a MiB, each a length and the bytes, and
// where each row begins. A million rows as []KeyRow took some 180 MB
// (a struct of seven strings, and each line's string, per row); here they
// take the size of their fields and 8 bytes a row.
//
// A field is a byte, then: for 0, its length and bytes; for k > 0, the
// column's k-th value in dict. The columns that repeat (model, firmware,
// profile, licence end) take one byte a row that way.
type KeyTable struct {
	blocks [][]byte
	starts []uint32 // block<<tableBlockBits | offset in it
	lines  []uint32
	dict   [keyTableFields][]string
	known  [keyTableFields]map[string]byte
}

// shared are the columns whose values are kept once, up to 255 of them.
var shared = [keyTableFields]bool{colModel: true, colFirmware: true, colProfile: true, colLicenceUntil: true}

const (
	tableBlockBits = 20
	tableBlock     = 1 << tableBlockBits
	keyTableFields = colLicenceUntil + 1
)

// ParseKeyTable reads a keys file as ParseKeys does, into a KeyTable.
func ParseKeyTable(ctx context.Context, r io.Reader) (*KeyTable, error) {
	t := &KeyTable{}
	err := parseCSV(ctx, r, keyColumns, []string{"serial"}, func(line int, f []string) { t.add(line, f[:keyTableFields]) })
	if err != nil {
		return nil, err
	}
	return t, nil
}

// KeyTableOf holds rows in a KeyTable.
func KeyTableOf(rows []KeyRow) *KeyTable {
	t := &KeyTable{}
	for _, r := range rows {
		f := [keyTableFields]string{colSerial: r.Serial, colMAC: r.MAC, colModel: r.Model, colFirmware: r.Firmware, colRFID: r.RFID,
			colProfile: r.Profile, colLicenceUntil: r.LicenceUntil}
		t.add(r.Line, f[:])
	}
	return t
}

func (t *KeyTable) add(line int, fields []string) {
	size := 0
	for _, f := range fields {
		size += 1 + binary.MaxVarintLen32 + len(f)
	}
	n := len(t.blocks)
	if n == 0 || len(t.blocks[n-1])+size > tableBlock {
		t.blocks = append(t.blocks, make([]byte, 0, max(tableBlock, size)))
		n++
	}
	b := t.blocks[n-1]
	t.starts = append(t.starts, uint32(n-1)<<tableBlockBits|uint32(len(b)))
	t.lines = append(t.lines, uint32(line))
	for c, f := range fields {
		if k := t.shared(c, f); k > 0 {
			b = append(b, k)
			continue
		}
		b = append(b, 0)
		b = binary.AppendUvarint(b, uint64(len(f)))
		b = append(b, f...)
	}
	t.blocks[n-1] = b
}

// shared is f's number in column c's values kept once, 0 when it is not
// kept so.
func (t *KeyTable) shared(c int, f string) byte {
	if !shared[c] || len(f) > 64 {
		return 0
	}
	if k, ok := t.known[c][f]; ok {
		return k
	}
	if len(t.dict[c]) == 255 {
		return 0
	}
	if t.known[c] == nil {
		t.known[c] = map[string]byte{}
	}
	t.dict[c] = append(t.dict[c], f)
	k := byte(len(t.dict[c]))
	t.known[c][f] = k
	return k
}

// field reads the field b begins with: its value as bytes (inline) or
// as a kept value, and the rest of b.
func (t *KeyTable) field(c int, b []byte) (inline []byte, kept string, rest []byte) {
	if b[0] > 0 {
		return nil, t.dict[c][b[0]-1], b[1:]
	}
	n, k := binary.Uvarint(b[1:])
	return b[1+k : 1+k+int(n)], "", b[1+k+int(n):]
}

// Len is how many rows the table holds.
func (t *KeyTable) Len() int { return len(t.starts) }

// Row is row i, its fields in one new string.
func (t *KeyTable) Row(i int) KeyRow {
	at := t.starts[i]
	b := t.blocks[at>>tableBlockBits][at&(tableBlock-1):]
	var f [keyTableFields]string
	var inline [keyTableFields][]byte
	total := 0
	rest := b
	for c := range f {
		inline[c], f[c], rest = t.field(c, rest)
		total += len(inline[c])
	}
	var all strings.Builder // the inline fields in one string
	all.Grow(total)
	for c := range f {
		all.Write(inline[c])
	}
	s := all.String()
	for c := range f {
		if inline[c] != nil {
			f[c], s = s[:len(inline[c])], s[len(inline[c]):]
		}
	}
	return KeyRow{Line: int(t.lines[i]), KeyInput: model.KeyInput{Serial: f[colSerial], MAC: f[colMAC], Model: f[colModel],
		Firmware: f[colFirmware], RFID: f[colRFID]}, Profile: f[colProfile], LicenceUntil: f[colLicenceUntil]}
}

// Rows is every row, as ParseKeys gives them.
func (t *KeyTable) Rows() []KeyRow {
	if t.Len() == 0 {
		return nil
	}
	rows := make([]KeyRow, t.Len())
	for i := range rows {
		rows[i] = t.Row(i)
	}
	return rows
}
