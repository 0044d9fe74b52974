package store

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/csvfile"
)

// Import files: parsing (every bad line listed with its number) and the
// all-or-nothing imports.

// tImportError asserts err is an *ImportError listing exactly these lines,
// each message containing its fragment.
func tImportError(t *testing.T, err error, want map[int]string) {
	t.Helper()
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v (%T), want *ImportError", err, err)
	}
	got := map[int][]string{}
	for _, r := range ie.Rows {
		got[r.Line] = append(got[r.Line], r.Msg)
	}
	for line, fragment := range want {
		found := false
		for _, msg := range got[line] {
			found = found || strings.Contains(msg, fragment)
		}
		if !found {
			t.Errorf("line %d: got %q, want a message saying %q", line, got[line], fragment)
		}
	}
	for line := range got {
		if _, ok := want[line]; !ok {
			t.Errorf("unexpected problem on line %d: %q", line, got[line])
		}
	}
	if !strings.HasPrefix(err.Error(), fmt.Sprintf("nothing imported: %d problem", len(ie.Rows))) {
		t.Errorf("message starts %q", strings.SplitN(err.Error(), "\n", 2)[0])
	}
}

func TestParseKeysCSV(t *testing.T) {
	file := "\ufeffRFID, Serial ,MODEL,mac,firmware\r\n" +
		"3a01,sn-a1,\"IPI Key 4, NFC\",AA:BB:CC:DD:EE:01,4.2.1\r\n" +
		"\r\n" +
		"   \r\n" +
		",SN-B2,,,\r\n" +
		"\"\",\"SN-C3\",\"IPI \"\"Key\"\" 3\",,3.4.2\r\n"
	rows, err := ParseKeysCSV(tCtx, strings.NewReader(file))
	if err != nil {
		t.Fatalf("ParseKeysCSV: %v", err)
	}
	want := []KeyRow{
		{Line: 2, KeyInput: model.KeyInput{Serial: "sn-a1", MAC: "AA:BB:CC:DD:EE:01", Model: "IPI Key 4, NFC", Firmware: "4.2.1", RFID: "3a01"}},
		{Line: 5, KeyInput: model.KeyInput{Serial: "SN-B2"}},
		{Line: 6, KeyInput: model.KeyInput{Serial: "SN-C3", Model: `IPI "Key" 3`, Firmware: "3.4.2"}},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows\n%+v\nwant\n%+v", rows, want)
	}
}

func TestParseKeysCSVOnlySerial(t *testing.T) {
	rows, err := ParseKeysCSV(tCtx, strings.NewReader("serial\nSN-A1\nSN-B2"))
	if err != nil || len(rows) != 2 || rows[1].Serial != "SN-B2" || rows[1].Line != 3 {
		t.Errorf("rows %+v, %v", rows, err)
	}
}

func TestParseKeysCSVHeaderProblems(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		want       map[int]string
	}{
		{"empty file", "", map[int]string{1: "the file is empty: the first line must be the header serial,mac,model,firmware,rfid"}},
		{"unknown column", "serial,colour\nSN-A1,red\n", map[int]string{1: `unknown column "colour" (the columns are serial,mac,model,firmware,rfid,profile,licence_until,status,reason,note,employee_email,licence_status,last_holder)`}},
		{"unknown column with escape", "serial,\x1b[2Jx\n", map[int]string{1: `unknown column "␛[2jx"`}},
		{"missing required", "mac,model\nAA:BB:CC:DD:EE:01,x\n", map[int]string{1: `the header has no "serial" column`}},
		{"column twice", "serial,mac,Serial\n", map[int]string{1: `column "serial" appears twice`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := ParseKeysCSV(tCtx, strings.NewReader(tc.file))
			tImportError(t, err, tc.want)
			if rows != nil {
				t.Errorf("rows returned with a bad header: %+v", rows)
			}
		})
	}
}

func TestParseKeysCSVBadRowsAllListed(t *testing.T) {
	file := "serial,model\n" +
		"SN-A1,ok\n" +
		"SN-B2\n" + // line 3: too few fields
		"SN-C3,ok\n" +
		"SN-D4,x,extra\n" + // line 5: too many
		"SN-E5,bad\"quote\n" + // line 6: bare quote in a later field
		"SN-F6,ok\n"
	_, err := ParseKeysCSV(tCtx, strings.NewReader(file))
	tImportError(t, err, map[int]string{3: "has 1 fields, the header has 2", 5: "has 3 fields, the header has 2", 6: "not valid CSV"})
}

// A CSV error in the first field of a row (a stray quote) is a bad line
// like any other, not a crash.
func TestParseKeysCSVBareQuoteInFirstField(t *testing.T) {
	file := "serial,model\n" +
		"SN-A1,ok\n" +
		"SN\"B2,x\n" +
		"SN-C3,ok\n"
	var err error
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("ParseKeysCSV panicked: %v", r)
			}
		}()
		_, err = ParseKeysCSV(tCtx, strings.NewReader(file))
	}()
	tImportError(t, err, map[int]string{3: "not valid CSV"})
}

func TestParseKeysCSVUnterminatedQuote(t *testing.T) {
	file := "serial,model\n" +
		"SN-A1,ok\n" +
		"SN-B2,\"never closed\n" +
		"SN-C3,ok\n"
	var err error
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("ParseKeysCSV panicked: %v", r)
			}
		}()
		_, err = ParseKeysCSV(tCtx, strings.NewReader(file))
	}()
	var ie *ImportError
	if !errors.As(err, &ie) || len(ie.Rows) != 1 || !strings.Contains(ie.Rows[0].Msg, "not valid CSV") {
		t.Fatalf("err = %v, want one CSV problem", err)
	}
	if ie.Rows[0].Line < 3 {
		t.Errorf("problem on line %d, want the quote's line 3 or later", ie.Rows[0].Line)
	}
}

// A multi-line quoted field moves the line numbers of the rows after it.
func TestParseKeysCSVLineNumbersFollowTheFile(t *testing.T) {
	file := "serial,model\n" +
		"SN-A1,\"two\nlines\"\n" +
		"SN-B2,x\n"
	rows, err := ParseKeysCSV(tCtx, strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Line != 2 || rows[1].Line != 4 {
		t.Fatalf("rows %+v, want lines 2 and 4", rows)
	}
	// The newline is a control character in a model name: refused, on the
	// row's first line.
	s, _ := tOpen(t)
	err = tUnchanged(t, s, func() error { _, err := s.ImportKeys(tAdmin, rows); return err })
	tImportError(t, err, map[int]string{2: "model may not contain control characters"})
}

func TestParseEmployeesCSV(t *testing.T) {
	file := "first_name,last_name,email,phone,department,position,key\n" +
		"Jane,Doe,jane@example.com,+1 555 0100,IT,\"Engineer, senior\", sn-a1 \n" +
		"Omar,,omar@example.com,,,,\n"
	rows, err := ParseEmployeesCSV(tCtx, strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	want := []EmployeeRow{
		{Line: 2, KeySerial: "sn-a1", EmployeeInput: model.EmployeeInput{FirstName: "Jane", LastName: "Doe", Email: "jane@example.com", Phone: "+1 555 0100", Department: "IT", Position: "Engineer, senior"}},
		{Line: 3, EmployeeInput: model.EmployeeInput{FirstName: "Omar", Email: "omar@example.com"}},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows\n%+v\nwant\n%+v", rows, want)
	}
	// Only first_name and email are required; key is optional.
	rows, err = ParseEmployeesCSV(tCtx, strings.NewReader("email,first_name\nann@example.com,Ann\n"))
	if err != nil || len(rows) != 1 || rows[0].FirstName != "Ann" {
		t.Errorf("minimal header: %+v, %v", rows, err)
	}
	_, err = ParseEmployeesCSV(tCtx, strings.NewReader("first_name,last_name\nAnn,Lee\n"))
	tImportError(t, err, map[int]string{1: `the header has no "email" column`})
}

func TestImportKeysBadRowsAllListed(t *testing.T) {
	s, _ := tOpen(t)
	tImportKeys(t, s, "SN-OLD")
	rows := []KeyRow{
		{Line: 2, KeyInput: model.KeyInput{Serial: "SN-A1", MAC: "AA:BB:CC:DD:EE:01", RFID: "R1"}},
		{Line: 3, KeyInput: model.KeyInput{Serial: "SN-B2", MAC: "not a mac"}},
		{Line: 4, KeyInput: model.KeyInput{Serial: ""}},
		{Line: 5, KeyInput: model.KeyInput{Serial: "sn-a1"}},
		{Line: 6, KeyInput: model.KeyInput{Serial: "SN-OLD"}},
		{Line: 7, KeyInput: model.KeyInput{Serial: "SN C8"}},
		{Line: 8, KeyInput: model.KeyInput{Serial: "SN-D4", MAC: "aa-bb-cc-dd-ee-01"}},
		{Line: 9, KeyInput: model.KeyInput{Serial: "SN-E5", RFID: "r1"}},
		{Line: 10, KeyInput: model.KeyInput{Serial: "SN-F6", Model: "IPI\x07Key"}},
		{Line: 11, KeyInput: model.KeyInput{Serial: "SN-G7"}},
	}
	err := tUnchanged(t, s, func() error { _, err := s.ImportKeys(tAdmin, rows); return err })
	tImportError(t, err, map[int]string{
		3:  "MAC address",
		4:  "serial is required",
		5:  "serial SN-A1 is also on line 2",
		6:  "serial SN-OLD is already in the stock",
		7:  "may hold only letters, digits",
		8:  "MAC address AA:BB:CC:DD:EE:01 is also on line 2",
		9:  "RFID R1 is also on line 2",
		10: "model may not contain control characters",
	})
	var ie *ImportError
	errors.As(err, &ie)
	for i := 1; i < len(ie.Rows); i++ {
		if ie.Rows[i].Line < ie.Rows[i-1].Line {
			t.Errorf("problems not in line order: %+v", ie.Rows)
		}
	}
	// The message lists every line for the admin.
	if !strings.Contains(err.Error(), "\nline 5: serial SN-A1 is also on line 2") {
		t.Errorf("message:\n%s", err)
	}
}

func TestImportKeysFromFile(t *testing.T) {
	s, _ := tOpen(t)
	rows, err := ParseKeysCSV(tCtx, strings.NewReader("serial,mac,rfid\nSN-A1,aabbccddee01,r1\nSN-B2,,\n"))
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.ImportKeys(tAdmin, rows)
	if err != nil || n != 2 {
		t.Fatalf("ImportKeys = %d, %v", n, err)
	}
	if k := tKey(t, s, "SN-A1"); k.MAC != "AA:BB:CC:DD:EE:01" || k.RFID != "R1" {
		t.Errorf("stored %+v", k)
	}
	// The same file again: every serial is already in the stock.
	err = tUnchanged(t, s, func() error { _, err := s.ImportKeys(tAdmin, rows); return err })
	tImportError(t, err, map[int]string{2: "already in the stock", 3: "already in the stock"})
}

func TestImportEmployees(t *testing.T) {
	s, _ := tOpen(t)
	tImportKeys(t, s, "SN-A1", "SN-B2")
	rows, err := ParseEmployeesCSV(tCtx, strings.NewReader("first_name,last_name,email,key\n"+
		"Jane,Doe,jane@example.com,sn-a1\n"+
		"Omar,Ali,omar@example.com,\n"+
		"Lena,Berg,LENA@example.com,SN-B2\n"))
	if err != nil {
		t.Fatal(err)
	}
	n := len(tAudit(t, s))
	handouts, err := s.ImportEmployees(tAdmin, rows)
	if err != nil {
		t.Fatalf("ImportEmployees: %v", err)
	}
	if len(handouts) != 2 || handouts[0].Serial != "SN-A1" || handouts[0].Email != "jane@example.com" ||
		handouts[1].Serial != "SN-B2" || handouts[1].Email != "lena@example.com" {
		t.Fatalf("handouts %+v", handouts)
	}
	for _, h := range handouts {
		k := tKey(t, s, h.Serial)
		if !sixDigits.MatchString(h.Code) || k.Code == nil || k.Code.Digits != h.Code || k.Status != model.Reserved {
			t.Errorf("handout %+v, key %v code %+v", h, k.Status, k.Code)
		}
		if e, _ := s.Employee(h.Email); e.KeyID != k.ID || k.EmployeeID != e.ID {
			t.Errorf("%s and %s not tied", h.Email, h.Serial)
		}
	}
	if tEmployee(t, s, "Omar").KeyID != 0 {
		t.Errorf("Omar got a key")
	}
	var actions []string
	for _, e := range tAuditSince(t, s, n) {
		actions = append(actions, string(e.Action))
	}
	if got := strings.Join(actions, " "); got != "employee.created key.assigned code.shown employee.created employee.created key.assigned code.shown" {
		t.Errorf("audit %s", got)
	}
	checkConsistent(t, s)
}

func TestImportEmployeesRefusedWhole(t *testing.T) {
	s, _ := tOpen(t)
	tImportKeys(t, s, "SN-FREE", "SN-FREE2")
	tKeyIn(t, s, "SN-HELD", "Holder", model.Active)
	row := func(line int, first, email, key string) EmployeeRow {
		return EmployeeRow{Line: line, KeySerial: key, EmployeeInput: model.EmployeeInput{FirstName: first, LastName: "Row", Email: email}}
	}
	for _, tc := range []struct {
		name string
		rows []EmployeeRow
		want map[int]string
	}{
		{"key not Ready", []EmployeeRow{row(2, "Ann", "ann@example.com", "SN-FREE"), row(3, "Bob", "bob@example.com", "SN-HELD")},
			map[int]string{3: "key SN-HELD is Active: only a Ready key can be assigned"}},
		{"same key twice", []EmployeeRow{row(2, "Ann", "ann@example.com", "SN-FREE"), row(3, "Bob", "bob@example.com", "sn-free")},
			map[int]string{3: "key SN-FREE is also on line 2 (one key per employee)"}},
		{"unknown key", []EmployeeRow{row(2, "Ann", "ann@example.com", "SN-NONE")},
			map[int]string{2: "there is no key with serial SN-NONE"}},
		{"e-mail twice in the file", []EmployeeRow{row(2, "Ann", "ann@example.com", ""), row(3, "Bob", "ANN@example.com", "")},
			map[int]string{3: "e-mail ann@example.com is also on line 2"}},
		{"name twice in the file", []EmployeeRow{row(2, "Ann", "ann@example.com", ""), row(3, "ANN", "ann2@example.com", "")},
			map[int]string{3: "the name ANN Row is also on line 2"}},
		{"e-mail in the database", []EmployeeRow{row(2, "Ann", "holder@example.com", "")},
			map[int]string{2: "another employee already has the e-mail holder@example.com"}},
		{"bad rows all listed", []EmployeeRow{row(2, "", "ann@example.com", ""), row(3, "Bob", "bob", ""), row(4, "Cy", "cy@example.com", "SN-FREE2"), row(5, "Di\x1b", "di@example.com", "")},
			map[int]string{2: "first name is required", 3: "not a valid address", 5: "control characters"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tUnchanged(t, s, func() error { _, err := s.ImportEmployees(tAdmin, tc.rows); return err })
			tImportError(t, err, tc.want)
		})
	}
	err := tUnchanged(t, s, func() error { _, err := s.ImportEmployees(tAdmin, nil); return err })
	tRefusedWith(t, err, "no employees to import")
}

// Windows PowerShell's Export-Csv writes a byte order mark and quotes every
// field, the header too.
func TestParseKeysCSVBOMBeforeQuotedHeader(t *testing.T) {
	rows, err := ParseKeysCSV(tCtx, strings.NewReader("\ufeff\"serial\",\"model\"\r\n\"SN-A1\",\"IPI Key 4\"\r\n"))
	if err != nil {
		t.Fatalf("ParseKeysCSV: %v", err)
	}
	if len(rows) != 1 || rows[0].Serial != "SN-A1" || rows[0].Model != "IPI Key 4" {
		t.Errorf("rows %+v", rows)
	}
}

// What a spreadsheet saves: an empty column after the last one, and rows
// of empty cells at the end.
func TestParseKeysCSVFromASpreadsheet(t *testing.T) {
	rows, err := ParseKeysCSV(tCtx, strings.NewReader("serial,mac,model,firmware,rfid,\nST1,,IPI Key 4,4.1.7,,\n,,,,,\n,,,,,\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Serial != "ST1" || rows[0].Model != "IPI Key 4" {
		t.Errorf("rows %+v, want ST1 alone", rows)
	}
}

func TestParseKeysCSVStopsAtTheRowLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString("serial\n")
	for range csvfile.MaxRows + 1 {
		b.WriteString("S\n")
	}
	_, err := ParseKeysCSV(tCtx, strings.NewReader(b.String()))
	var ie *ImportError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "split it") {
		t.Fatalf("err %v, want the row limit", err)
	}
}
