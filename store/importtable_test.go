package store

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/csvfile"
)

// A file read as a KeyFile is the same rows as read by ReadKeys, and an
// import of it is the same command, byte for byte.
func TestKeyFileIsTheSameCommand(t *testing.T) {
	const file = "serial,licence_until,mac,model,profile,firmware,rfid,status\n" +
		"sn-1,,aa:bb:cc:dd:ee:01,IPI Key 4,,4.1,rf1,Active\n" +
		"SN-2,2027-01-31,,\"a \"\"quoted\"\", model\",Default,,,\n" +
		"SN-3,,,,,,,\n"
	rows, err := ReadKeys(context.Background(), "f", strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	table, err := ReadKeyFile(context.Background(), "f", strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if got := table.Rows(); !reflect.DeepEqual(got, rows) {
		t.Fatalf("the table's rows:\n%+v\nwant\n%+v", got, rows)
	}
	if got := csvfile.KeyTableOf(rows).Rows(); !reflect.DeepEqual(got, rows) {
		t.Fatalf("KeyTableOf's rows:\n%+v\nwant\n%+v", got, rows)
	}
	s, _ := tOpen(t)
	encode := func(args importKeysArgs) []byte {
		cmd, err := s.newCommand(tAdmin, model.OpImportKeys, args)
		if err != nil {
			t.Fatal(err)
		}
		cmd.RequestID, cmd.Seed = [16]byte{1}, [32]byte{}
		b, err := encodeCommand(cmd, nil, bytes.NewReader(make([]byte, 1024)))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if a, b := encode(importKeysArgs{Rows: rows}), encode(importKeysArgs{table: table}); !bytes.Equal(a, b) {
		t.Errorf("a KeyFile's command encodes as\n%x\nits rows' as\n%x", b, a)
	}
	decoded, err := DecodeCommand(encode(importKeysArgs{table: table}), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := decoded.Args.(importKeysArgs).Rows; !reflect.DeepEqual(got, rows) {
		t.Errorf("decoded rows %+v", got)
	}
	if n, err := s.ImportKeyFile(tAdmin, table); err != nil || n != 3 {
		t.Fatalf("ImportKeyFile: %d, %v", n, err)
	}
	if k := tKey(t, s, "SN-2"); k.Model != `a "quoted", model` {
		t.Errorf("SN-2 has model %q", k.Model)
	}
}

// A table keeps the first 255 values of a repeating column once, and the
// others in each row.
func TestKeyTableKeepsRowsWhole(t *testing.T) {
	var rows []KeyRow
	for i := range 1000 {
		rows = append(rows, KeyRow{Line: i + 2, KeyInput: model.KeyInput{Serial: fmt.Sprintf("S%d", i), Model: fmt.Sprintf("M%d", i%300),
			Firmware: strings.Repeat("f", i%70)}, Profile: []string{"", "Default", "Strict"}[i%3]})
	}
	if got := csvfile.KeyTableOf(rows).Rows(); !reflect.DeepEqual(got, rows) {
		for i := range rows {
			if got[i] != rows[i] {
				t.Fatalf("row %d is %+v, want %+v", i, got[i], rows[i])
			}
		}
	}
}
