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
type KeyTable struct {
	blocks [][]byte
	starts []uint32 // block<<tableBlockBits | offset in it
	lines  []uint32
}

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
		size += binary.MaxVarintLen32 + len(f)
	}
	n := len(t.blocks)
	if n == 0 || len(t.blocks[n-1])+size > tableBlock {
		t.blocks = append(t.blocks, make([]byte, 0, max(tableBlock, size)))
		n++
	}
	b := t.blocks[n-1]
	t.starts = append(t.starts, uint32(n-1)<<tableBlockBits|uint32(len(b)))
	t.lines = append(t.lines, uint32(line))
	for _, f := range fields {
		b = binary.AppendUvarint(b, uint64(len(f)))
		b = append(b, f...)
	}
	t.blocks[n-1] = b
}

// Len is how many rows the table holds.
func (t *KeyTable) Len() int { return len(t.starts) }

// Row is row i, its fields in one new string.
func (t *KeyTable) Row(i int) KeyRow {
	at := t.starts[i]
	b := t.blocks[at>>tableBlockBits][at&(tableBlock-1):]
	var lens [keyTableFields]int
	total := 0
	rest := b
	for j := range lens {
		n, k := binary.Uvarint(rest)
		lens[j] = int(n)
		total += int(n)
		rest = rest[k+int(n):]
	}
	var all strings.Builder
	all.Grow(total)
	rest = b
	for range lens {
		n, k := binary.Uvarint(rest)
		all.Write(rest[k : k+int(n)])
		rest = rest[k+int(n):]
	}
	s := all.String()
	var f [keyTableFields]string
	for j, n := range lens {
		f[j], s = s[:n], s[n:]
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
