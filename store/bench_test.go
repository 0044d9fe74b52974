package store

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
)

// The figures the project reports (make bench). The operation benchmarks
// run on one database of 100,000 keys and 100,000 employees, built once per
// process, with real fsync: what an admin's operation costs is mostly the
// disk's flush, which BenchmarkFsync measures alone for comparison.

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

// BenchmarkAssign is one AssignKey, Ready key to an employee without one.
func BenchmarkAssign(b *testing.B) {
	s := benchStore(b)
	serials, emails := benchPairs(b, s, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.AssignKey(model.LocalAdmin("bench"), Serial(serials[i]), emails[i]); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	reportMsPerOp(b)
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
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.DeviceEnterCode(tAdmin, serials[i], codes[i]); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	reportMsPerOp(b)
}

// BenchmarkFsync is the disk's own flush: 4 KiB written and synced, in the
// directory of the benchmark database.
func BenchmarkFsync(b *testing.B) {
	benchStore(b)
	f, err := os.CreateTemp(bench.dir, "fsync-")
	if err != nil {
		b.Fatal(err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	page := make([]byte, 4096)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		page[0] = byte(i)
		if _, err := f.WriteAt(page, 0); err != nil {
			b.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	reportMsPerOp(b)
}

// BenchmarkImport100k is one ImportKeys of 100,000 keys into an empty
// database, with fsync, the file sorted by serial.
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
		rows[i] = KeyRow{Line: i + 2, KeyInput: demoKey(i, rng)}
	}
	if shuffled {
		rng.Shuffle(len(rows), func(i, j int) { rows[i].KeyInput, rows[j].KeyInput = rows[j].KeyInput, rows[i].KeyInput })
	}
	return rows
}

func benchImport(b *testing.B, rows []KeyRow) {
	dir := b.TempDir()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s, err := Open(filepath.Join(dir, fmt.Sprintf("import%d.db", i)), Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := s.ImportKeys(model.LocalAdmin("bench"), rows); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/op")
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
