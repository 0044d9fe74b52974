package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/csvfile"
)

// Import files built to hurt: what reading them may cost is bounded by
// the limits of a line and a field, not by the size of the file.

// repeatReader gives n bytes of b, like a file of them.
type repeatReader struct {
	b byte
	n int64
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), r.n)]
	for i := range p {
		p[i] = r.b
	}
	r.n -= int64(len(p))
	return len(p), nil
}

// allocatedBy is how many bytes f allocates on the heap.
func allocatedBy(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// A 64 MiB file of one line (a header that never ends, or /dev/zero
// behind the 64 MiB limit): reading stops at the line limit, the message
// is one short line, and the parse allocates a small part of the file.
func TestParseStopsAtALineLongerThanTheLimit(t *testing.T) {
	const fileSize = 64 << 20
	for name, b := range map[string]byte{"one-line header": 'a', "zeros": 0} {
		t.Run(name, func(t *testing.T) {
			var err error
			allocated := allocatedBy(func() {
				_, err = ParseKeysCSV(tCtx, &repeatReader{b: b, n: fileSize})
			})
			t.Logf("a %d MiB line: %d KiB allocated, a message of %d bytes", fileSize>>20, allocated>>10, len(err.Error()))
			tImportError(t, err, map[int]string{1: "longer than 64 KiB: the rest of the file was not read"})
			if n := len(err.Error()); n > 200 {
				t.Errorf("the message is %d bytes long", n)
			}
			if limit := uint64(1 << 20); allocated > limit {
				t.Errorf("parsing a %d MiB line allocated %d KiB, want at most %d KiB", fileSize>>20, allocated>>10, limit>>10)
			}
		})
	}
}

// A quoted field that goes on over many short lines is one record: it is
// bounded like one long line.
func TestParseStopsAtAQuotedFieldLongerThanTheLimit(t *testing.T) {
	file := "serial,model\nST1,ok\nST2,\"" + strings.Repeat("x\n", MaxImportLine) + "\"\nST3,ok\n"
	_, err := ParseKeysCSV(tCtx, strings.NewReader(file))
	tImportError(t, err, map[int]string{3: "longer than 64 KiB"})
}

func TestParseRefusesAFieldLongerThanTheLimit(t *testing.T) {
	long := strings.Repeat("A", csvfile.MaxField+1)
	file := "serial,mac,model\nST1,,ok\nST2," + long + ",ok\n" + long + ",x,y\nST4,,ok\n"
	_, err := ParseKeysCSV(tCtx, strings.NewReader(file))
	tImportError(t, err, map[int]string{3: "mac is longer than 1 KiB", 4: "serial is longer than 1 KiB"})
	if strings.Contains(err.Error(), long) {
		t.Error("the message quotes the long field")
	}

	_, err = ParseKeysCSV(tCtx, strings.NewReader("serial,"+long+"\nST1,x\n"))
	tImportError(t, err, map[int]string{1: "column 2 of the header is longer than 1 KiB"})
}

// The longest value a column may hold (254 characters of 4 bytes) is
// within the field limit.
func TestTheLongestValueFitsTheFieldLimit(t *testing.T) {
	if longest := 254 * 4; longest > csvfile.MaxField {
		t.Fatalf("a field of %d bytes may be valid, the limit is %d", longest, csvfile.MaxField)
	}
	email := strings.Repeat("𝔞", 60) + "@example.com"
	rows, err := ParseEmployeesCSV(tCtx, strings.NewReader("first_name,email\n"+strings.Repeat("𝔞", 64)+","+email+"\n"))
	if err != nil || len(rows) != 1 {
		t.Fatalf("rows %v, err %v", rows, err)
	}
}

// A file of bad lines lists the first hundred and counts the rest.
func TestParseListsTheFirstHundredProblems(t *testing.T) {
	var b strings.Builder
	b.WriteString("serial,model\n")
	for range 250 {
		b.WriteString("ST,x,extra\n")
	}
	_, err := ParseKeysCSV(tCtx, strings.NewReader(b.String()))
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("err %v, want an *ImportError", err)
	}
	if len(ie.Rows) != MaxListedProblems || ie.More != 150 || ie.Problems() != 250 {
		t.Fatalf("%d listed, %d more, want 100 and 150", len(ie.Rows), ie.More)
	}
	if ie.Rows[0].Line != 2 || ie.Rows[99].Line != 101 {
		t.Errorf("listed lines %d to %d, want the first: 2 to 101", ie.Rows[0].Line, ie.Rows[99].Line)
	}
	lines := strings.Split(err.Error(), "\n")
	if lines[0] != "nothing imported: 250 problems" || lines[len(lines)-1] != "... and 150 more" || len(lines) != 102 {
		t.Errorf("message: %q ... %q, %d lines", lines[0], lines[len(lines)-1], len(lines))
	}
}

// The store's own checks (bad values, duplicates) are capped the same way.
func TestImportListsTheFirstHundredProblems(t *testing.T) {
	s, _ := tOpen(t)
	var rows []KeyRow
	for i := range 300 {
		rows = append(rows, KeyRow{Line: i + 2, KeyInput: model.KeyInput{Serial: fmt.Sprintf("BAD SERIAL %d", i)}})
	}
	err := tUnchanged(t, s, func() error { _, err := s.ImportKeys(tAdmin, rows); return err })
	var ie *ImportError
	if !errors.As(err, &ie) || len(ie.Rows) != MaxListedProblems || ie.More != 200 {
		t.Fatalf("err %v, want 100 listed and 200 more", err)
	}
}

// Old spreadsheet exports end their lines with a CR alone.
func TestParseReadsCROnlyLineEnds(t *testing.T) {
	rows, err := ParseKeysCSV(tCtx, strings.NewReader("serial,model\rST1,\"IPI Key 4\"\r\rST2,x\rST3,y"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, fmt.Sprintf("%d:%s:%s", r.Line, r.Serial, r.Model))
	}
	if want := "2:ST1:IPI Key 4 4:ST2:x 5:ST3:y"; strings.Join(got, " ") != want {
		t.Errorf("rows %v, want %s", got, want)
	}
	// CR LF stays one line end, also when a read ends between the two.
	rows, err = ParseKeysCSV(tCtx, io.MultiReader(strings.NewReader("serial\r"), strings.NewReader("\nST1\r"), strings.NewReader("\nST2\r\n")))
	if err != nil || len(rows) != 2 || rows[0].Line != 2 || rows[1].Line != 3 {
		t.Fatalf("rows %+v, err %v, want ST1 on line 2 and ST2 on line 3", rows, err)
	}
}

// cancellingReader gives valid rows for ever, and ends ctx after limit
// bytes, as an SSH session ends when its admin disconnects.
type cancellingReader struct {
	cancel    context.CancelFunc
	limit     int
	delivered int
}

func (r *cancellingReader) Read(p []byte) (int, error) {
	if r.delivered == 0 {
		n := copy(p, "serial\n")
		r.delivered += n
		return n, nil
	}
	if r.delivered >= r.limit {
		r.cancel()
	}
	n := 0
	for n+4 <= len(p) {
		n += copy(p[n:], "ST1\n")
	}
	r.delivered += n
	return n, nil
}

func TestParseStopsWhenItsContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := &cancellingReader{cancel: cancel, limit: 1 << 20}
	_, err := ParseKeysCSV(ctx, r)
	if !errors.Is(err, ErrImportStopped) {
		t.Fatalf("err %v, want ErrImportStopped", err)
	}
	if r.delivered > 2<<20 {
		t.Errorf("read %d KiB, most of them after the context ended at 1024 KiB", r.delivered>>10)
	}
}

// One import at a time per database; the second is told whose runs.
func TestOneImportAtATime(t *testing.T) {
	s, _ := tOpen(t)
	ann := tSSH(t, s, "ann", model.RoleAdmin, 1)
	done, err := s.BeginImport(ann, model.OpImportKeys)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.BeginImport(tAdmin, model.OpImportEmployees)
	if err == nil || !strings.Contains(err.Error(), "an import by ann (admin, "+ann.Fingerprint+") is running on this database since 09:00:00 UTC") {
		t.Fatalf("second import: %v", err)
	}
	done()
	done() // harmless twice
	again, err := s.BeginImport(tAdmin, model.OpImportKeys)
	if err != nil {
		t.Fatalf("after the first ended: %v", err)
	}
	again()
}

// Whoever may not import cannot hold the claim either: the refusal comes
// first, and is audited.
func TestImportClaimNeedsTheRole(t *testing.T) {
	s, _ := tOpen(t)
	helen := tSSH(t, s, "helen", model.RoleHelpdesk, 1)
	err := tOnlyAuditedAs(t, s, model.ActionAccessRefused, func() error {
		_, err := s.BeginImport(helen, model.OpImportKeys)
		return err
	})
	if !model.IsRefusal(err) {
		t.Fatalf("helpdesk claimed an import: %v", err)
	}
	done, err := s.BeginImport(tAdmin, model.OpImportKeys)
	if err != nil {
		t.Fatalf("the refused claim is held: %v", err)
	}
	done()
}

// A good file costs a small multiple of its size: the rows hold its
// text once, in strings, plus their own headers.
func TestParseHoldsASmallMultipleOfTheFile(t *testing.T) {
	var b strings.Builder
	b.WriteString("serial,mac,model,firmware,rfid\n")
	for i := 0; b.Len() < 4<<20; i++ {
		fmt.Fprintf(&b, "ST%07d,AA:BB:CC:%02X:%02X:%02X,IPI Key 4,4.1.7,R%07d\n", i, i>>16&255, i>>8&255, i&255, i)
	}
	file := b.String()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	rows, err := ParseKeysCSV(tCtx, strings.NewReader(file))
	runtime.GC()
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	held := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("%d rows from %d KiB: %d KiB held, %d KiB allocated in all", len(rows), len(file)>>10, held>>10, (after.TotalAlloc-before.TotalAlloc)>>10)
	if limit := int64(3 * len(file)); held > limit {
		t.Errorf("the rows of a %d KiB file hold %d KiB, want at most %d KiB", len(file)>>10, held>>10, limit>>10)
	}
	runtime.KeepAlive(rows)
}

// BenchmarkParseKeysCSV100k parses a file of 100,000 keys as Excel
// writes it (CR LF, quoted models): what the line and field limits cost
// on a good file.
func BenchmarkParseKeysCSV100k(b *testing.B) {
	var file strings.Builder
	file.WriteString("serial,mac,model,firmware,rfid\r\n")
	for i := range 100_000 {
		fmt.Fprintf(&file, "ST%07d,AA:BB:CC:%02X:%02X:%02X,\"IPI Key 4, NFC\",4.1.7,R%07d\r\n", i, i>>16&255, i>>8&255, i&255, i)
	}
	data := file.String()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := ParseKeysCSV(tCtx, strings.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
