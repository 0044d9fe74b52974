package store

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// The anchors the figures are given against, measured on the same disk in
// the same run: the machine is shared, and its disk's speed varies.

// syncPage is the disk's own flush: a 4 KiB page written in place and
// flushed (fdatasync, as bbolt does).
type syncPage struct {
	f    *os.File
	page []byte
}

func newSyncPage(b *testing.B, dir string) *syncPage {
	b.Helper()
	f, err := os.CreateTemp(dir, "fsync-")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		f.Close()
		os.Remove(f.Name())
	})
	p := &syncPage{f: f, page: make([]byte, 4096)}
	if _, err := f.Write(p.page); err != nil {
		b.Fatal(err)
	}
	p.flush(b)
	return p
}

// flush writes the page and flushes it, and says how long that took.
func (p *syncPage) flush(b *testing.B) time.Duration {
	start := time.Now()
	p.page[0]++
	if _, err := p.f.WriteAt(p.page, 0); err != nil {
		b.Fatal(err)
	}
	if err := datasync(p.f); err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

// againstFsync times b.N operations, each followed (untimed) by one flush
// of the anchor page, so that both meet the same disk at the same moment
// on a machine others share. It reports the mean and the median of an
// operation, the median flush, and their ratio (medians: a neighbour's
// burst of writes makes a few of either slow).
func againstFsync(b *testing.B, dir string, op func(i int)) {
	b.Helper()
	anchor := newSyncPage(b, dir)
	ops, flushes := make([]time.Duration, b.N), make([]time.Duration, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		op(i)
		ops[i] = time.Since(start)
		b.StopTimer()
		flushes[i] = anchor.flush(b)
		b.StartTimer()
	}
	b.StopTimer()
	median := func(ds []time.Duration) time.Duration {
		slices.Sort(ds)
		return ds[len(ds)/2]
	}
	op50, fsync50 := median(ops), median(flushes)
	b.ReportMetric(float64(b.Elapsed())/float64(b.N)/1e6, "ms/op")
	b.ReportMetric(float64(op50)/1e6, "p50-ms")
	b.ReportMetric(float64(fsync50)/1e6, "fsync-p50-ms")
	b.ReportMetric(float64(op50)/float64(fsync50), "x-fsync")
}

// errNoSQLite says the import anchor cannot be measured here.
var errNoSQLite = errors.New("sqlite3 is not installed (apt-get install -y sqlite3): the import and the file have no anchor")

// sqliteImport times sqlite3's own CSV import of csvPath into a new
// database at dbPath: a table with the same three unique columns as the
// keys, created first (not timed), then .import in one transaction, with
// sqlite3's defaults (a rollback journal, synchronous FULL). It returns the
// time and the database's size.
func sqliteImport(csvPath, dbPath string) (time.Duration, int64, error) {
	sqlite, err := exec.LookPath("sqlite3")
	if err != nil {
		return 0, 0, errNoSQLite
	}
	create := "CREATE TABLE keys(serial TEXT NOT NULL UNIQUE, mac TEXT UNIQUE, model TEXT, firmware TEXT, rfid TEXT UNIQUE);"
	if out, err := exec.Command(sqlite, dbPath, create).CombinedOutput(); err != nil {
		return 0, 0, errors.New("sqlite3: " + err.Error() + ": " + string(out))
	}
	start := time.Now()
	out, err := exec.Command(sqlite, dbPath, ".import --csv --skip 1 "+filepath.ToSlash(csvPath)+" keys").CombinedOutput()
	took := time.Since(start)
	if err != nil || len(out) > 0 {
		return 0, 0, errors.New("sqlite3 .import: " + string(out))
	}
	fi, err := os.Stat(dbPath)
	if err != nil {
		return 0, 0, err
	}
	return took, fi.Size(), nil
}
