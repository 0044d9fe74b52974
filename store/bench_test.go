package store

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/demodata"
)

// The figures the project reports (make bench). The operation benchmarks
// run on one database of 100,000 keys and 100,000 employees, built once per
// process, with real fsync: what an admin's operation costs is mostly the
// disk's flush, measured in the same run for comparison (x-fsync). The
// import is compared with sqlite3's import of the same file (x-sqlite).

const (
	benchKeys      = 100_000
	benchEmployees = 100_000
)

var bench struct {
	once     sync.Once
	dir      string
	s        *Store
	err      error
	fileMB   float64       // the file right after FillDemo
	fillTime time.Duration // FillDemo's own time
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bench.s != nil {
		bench.s.Close()
	}
	if bench.dir != "" {
		os.RemoveAll(bench.dir)
	}
	os.Exit(code)
}

// benchStore returns the shared 100k + 100k database.
func benchStore(b *testing.B) *Store {
	b.Helper()
	bench.once.Do(func() {
		if bench.dir, bench.err = os.MkdirTemp("", "keydesk-bench-"); bench.err != nil {
			return
		}
		path := filepath.Join(bench.dir, "bench.db")
		if bench.s, bench.err = Open(path, Options{}); bench.err != nil {
			return
		}
		start := time.Now()
		if bench.err = bench.s.FillDemo(tAdmin, benchKeys, benchEmployees); bench.err != nil {
			return
		}
		bench.fillTime = time.Since(start)
		fi, err := os.Stat(path)
		if bench.err = err; err == nil {
			bench.fileMB = float64(fi.Size()) / 1e6
		}
	})
	if bench.err != nil {
		b.Fatalf("building the benchmark database: %v", bench.err)
	}
	return bench.s
}

// benchPairs returns n Ready keys and n employees without a key, importing
// more of both when the demo's are used up.
func benchPairs(b *testing.B, s *Store, n int) (serials, emails []string) {
	b.Helper()
	snap, err := s.Snapshot()
	if err != nil {
		b.Fatal(err)
	}
	for _, k := range snap.Keys {
		if k.Status == model.Ready && len(serials) < n {
			serials = append(serials, k.Serial)
		}
	}
	for _, e := range snap.Employees {
		if e.KeyID == 0 && len(emails) < n {
			emails = append(emails, e.Email)
		}
	}
	if missing := n - min(len(serials), len(emails)); missing > 0 {
		batch := fmt.Sprintf("%d", time.Now().UnixNano())
		keys := make([]KeyRow, missing)
		people := make([]EmployeeRow, missing)
		for i := range missing {
			keys[i] = KeyRow{Line: i + 2, KeyInput: model.KeyInput{Serial: fmt.Sprintf("BENCH-%s-%d", batch, i)}}
			people[i] = EmployeeRow{Line: i + 2, EmployeeInput: model.EmployeeInput{FirstName: "Bench", LastName: batch + "-" + fmt.Sprint(i),
				Email: fmt.Sprintf("bench.%s.%d@example.com", batch, i)}}
			serials = append(serials, keys[i].Serial)
			emails = append(emails, people[i].Email)
		}
		if _, err := s.ImportKeys(model.LocalAdmin("bench"), keys); err != nil {
			b.Fatal(err)
		}
		if _, err := s.ImportEmployees(model.LocalAdmin("bench"), people); err != nil {
			b.Fatal(err)
		}
	}
	return serials[:n], emails[:n]
}

func reportMsPerOp(b *testing.B) {
	b.ReportMetric(float64(b.Elapsed())/float64(b.N)/1e6, "ms/op")
}

// BenchmarkAssign is one AssignKey, Ready key to an employee without one,
// alone: nothing to share its commit with.
func BenchmarkAssign(b *testing.B) {
	s := benchStore(b)
	serials, emails := benchPairs(b, s, b.N)
	againstFsync(b, bench.dir, func(i int) {
		if _, err := s.AssignKey(model.LocalAdmin("bench"), Serial(serials[i]), emails[i]); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkDeviceActivate is one DeviceEnterCode with the right code.
func BenchmarkDeviceActivate(b *testing.B) {
	s := benchStore(b)
	serials, emails := benchPairs(b, s, b.N)
	codes := make([]string, b.N)
	for i := range codes {
		view, err := s.AssignKey(model.LocalAdmin("bench"), Serial(serials[i]), emails[i])
		if err != nil {
			b.Fatal(err)
		}
		codes[i] = view.Digits
	}
	againstFsync(b, bench.dir, func(i int) {
		if _, err := s.DeviceEnterCode(tAdmin, serials[i], codes[i]); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkFsync is the anchor alone: 4 KiB written in place and flushed,
// in the directory of the benchmark database.
func BenchmarkFsync(b *testing.B) {
	benchStore(b)
	page := newSyncPage(b, bench.dir)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		page.flush(b)
	}
	b.StopTimer()
	reportMsPerOp(b)
}

// BenchmarkImport100k is `keydesk import keys` of a file of 100,000 keys
// sorted by serial, into an empty database, with fsync: the file read and
// checked, every key stored with its indexes and its audit entry. sqlite3
// imports the same file in the same run.
func BenchmarkImport100k(b *testing.B) {
	benchImport(b, benchKeyRows(false))
}

// BenchmarkImport100kShuffled is the same file in random order: every
// index then receives its entries out of order.
func BenchmarkImport100kShuffled(b *testing.B) {
	benchImport(b, benchKeyRows(true))
}

func benchKeyRows(shuffled bool) []KeyRow {
	rng := rand.New(rand.NewPCG(1, 2))
	rows := make([]KeyRow, 100_000)
	for i := range rows {
		rows[i] = KeyRow{Line: i + 2, KeyInput: demodata.Key(i, rng)}
	}
	if shuffled {
		rng.Shuffle(len(rows), func(i, j int) { rows[i].KeyInput, rows[j].KeyInput = rows[j].KeyInput, rows[i].KeyInput })
	}
	return rows
}

// writeKeysCSV writes rows as an import file.
func writeKeysCSV(b testing.TB, path string, rows []KeyRow) {
	b.Helper()
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.Write([]string{"serial", "mac", "model", "firmware", "rfid"}) // the columns of sqlite3's table
	for _, r := range rows {
		w.Write([]string{r.Serial, r.MAC, r.Model, r.Firmware, r.RFID})
	}
	w.Flush()
	if err := errors.Join(w.Error(), f.Close()); err != nil {
		b.Fatal(err)
	}
}

func benchImport(b *testing.B, rows []KeyRow) {
	dir := b.TempDir()
	file := filepath.Join(dir, "keys.csv")
	writeKeysCSV(b, file, rows)
	var size, sqliteSize int64
	var sqliteTime time.Duration
	var sqliteErr error
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		path := filepath.Join(dir, fmt.Sprintf("import%d.db", i))
		s, err := Open(path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		f, err := os.Open(file)
		if err != nil {
			b.Fatal(err)
		}
		parsed, err := ParseKeysCSV(context.Background(), f)
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.ImportKeys(model.LocalAdmin("bench"), parsed); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		s.Close()
		fi, err := os.Stat(path)
		if err != nil {
			b.Fatal(err)
		}
		size = fi.Size()
		took, sz, err := sqliteImport(file, filepath.Join(dir, fmt.Sprintf("sqlite%d.db", i)))
		sqliteTime, sqliteSize, sqliteErr = sqliteTime+took, sz, err
		b.StartTimer()
	}
	b.StopTimer()
	op := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(op, "s/op")
	b.ReportMetric(float64(size)/1e6, "db-MB")
	if sqliteErr != nil {
		b.Log(sqliteErr)
		return
	}
	anchor := sqliteTime.Seconds() / float64(b.N)
	b.ReportMetric(anchor, "sqlite-s")
	b.ReportMetric(op/anchor, "x-sqlite")
	b.ReportMetric(float64(sqliteSize)/1e6, "sqlite-MB")
	b.ReportMetric(float64(size)/float64(sqliteSize), "x-sqlite-file")
}

// BenchmarkSnapshot loads every key and employee, as the lists do. It also
// reports the heap the result holds and the size of the database file.
func BenchmarkSnapshot(b *testing.B) {
	s := benchStore(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Snapshot(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	reportMsPerOp(b)

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	snap, err := s.Snapshot()
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(snap)
	b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/1e6, "heap-MB")
	b.ReportMetric(bench.fileMB, "db-MB")
	b.ReportMetric(bench.fillTime.Seconds(), "fill-s")
}

// BenchmarkVerifyAudit is audit verify on a demo of 10,000 keys and
// employees: the chain, and the replay of every entry against every
// record.
func BenchmarkVerifyAudit(b *testing.B) {
	s, err := Open(filepath.Join(b.TempDir(), "keydesk.db"), Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := s.FillDemo(model.LocalAdmin("bench"), 10_000, 10_000); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.VerifyAudit(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	reportMsPerOp(b)
}
