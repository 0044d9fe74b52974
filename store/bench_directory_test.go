package store

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/ldapsource/slapdtest"
)

// The directory sync's figures (the directory issue): a dry run of a
// 100,000-person snapshot against 100,000 employees (<= 2 s, <= 300 MB),
// applying 1,000 joiners, 1,000 movers and 1,000 leavers in one
// transaction (<= 2 s), and an LDAP sync of 10,000 people from a local
// slapd, paged (<= 5 s).

const benchPeople = 100_000

// benchDirectoryTemplate builds a database of 100,000 employees with
// external ids in the benchmark's own folder (removed after it) and
// returns its path.
func benchDirectoryTemplate(b *testing.B) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "people.db")
	s, err := Open(path, Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	rows := make([]EmployeeRow, benchPeople)
	for i := range rows {
		rows[i] = EmployeeRow{Line: i + 2, EmployeeInput: benchPerson(i, "")}
	}
	if _, err := s.ImportEmployees(tAdmin, rows); err != nil {
		b.Fatal(err)
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// benchDirectoryDB opens a fresh copy of the template.
func benchDirectoryDB(b *testing.B, template string) *Store {
	b.Helper()
	dst := filepath.Join(b.TempDir(), "people.db")
	copyBenchFile(b, template, dst)
	copyBenchFile(b, template+".key", dst+".key")
	s, err := Open(dst, Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

func copyBenchFile(b *testing.B, from, to string) {
	b.Helper()
	src, err := os.Open(from)
	if os.IsNotExist(err) {
		return
	}
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		b.Fatal(err)
	}
	dst.Close()
}

func benchPerson(i int, dept string) model.EmployeeInput {
	return model.EmployeeInput{ExternalID: fmt.Sprintf("ext-%06d", i), FirstName: fmt.Sprintf("First%06d", i), LastName: "Staff",
		Email: fmt.Sprintf("person%06d@example.com", i), Department: dept}
}

// benchSnapshot is the CSV of people from..to, with the first `moved`
// of them in another department.
func benchSnapshot(from, to, moved int) []byte {
	var buf bytes.Buffer
	buf.WriteString("external_id,first_name,last_name,email,phone,department,position,company\n")
	for i := from; i < to; i++ {
		p := benchPerson(i, "")
		if i-from < moved {
			p.Department = "Moved"
		}
		fmt.Fprintf(&buf, "%s,%s,%s,%s,,%s,,\n", p.ExternalID, p.FirstName, p.LastName, p.Email, p.Department)
	}
	return buf.Bytes()
}

// peakHeap samples the heap in use while fn runs.
func peakHeap(fn func()) uint64 {
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	fn()
	close(done)
	return peak.Load()
}

func BenchmarkDirectoryDryRun100k(b *testing.B) {
	s := benchDirectoryDB(b, benchDirectoryTemplate(b))
	snap := benchSnapshot(0, benchPeople, 1000)
	runtime.GC()
	b.ResetTimer()
	var peak uint64
	cpu := cpuTime()
	for range b.N {
		peak = max(peak, peakHeap(func() {
			res, err := s.SyncDirectory(context.Background(), tAdmin, SnapshotSource{R: bytes.NewReader(snap), File: "bench.csv"}, SyncOptions{DryRun: true})
			if err != nil || len(res.Plan.Movers) != 1000 || res.Plan.Unchanged != benchPeople-1000 {
				b.Fatalf("%v %s", err, res.Plan.Summary())
			}
		}))
	}
	b.ReportMetric((cpuTime()-cpu).Seconds()/float64(b.N), "cpu-s")
	b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
}

func BenchmarkDirectoryApply3k(b *testing.B) {
	// 1,000 leavers (the first), 1,000 movers (the next), 1,000 joiners
	// (past the end): one transaction.
	snap := append(benchSnapshot(1000, benchPeople, 1000), benchSnapshot(benchPeople, benchPeople+1000, 0)[len("external_id,first_name,last_name,email,phone,department,position,company\n"):]...)
	template := benchDirectoryTemplate(b)
	var total, cpu time.Duration
	for range b.N {
		b.StopTimer()
		s := benchDirectoryDB(b, template)
		runtime.GC()
		b.StartTimer()
		start, cpuStart := time.Now(), cpuTime()
		res, err := s.SyncDirectory(context.Background(), tAdmin, SnapshotSource{R: bytes.NewReader(snap), File: "bench.csv"}, SyncOptions{})
		total, cpu = total+time.Since(start), cpu+cpuTime()-cpuStart
		if err != nil || !res.Applied || len(res.Plan.Joiners) != 1000 || len(res.Plan.Movers) != 1000 || len(res.Plan.Leavers) != 1000 {
			b.Fatalf("%v %s", err, res.Plan.Summary())
		}
	}
	b.ReportMetric(total.Seconds()/float64(b.N), "apply-s")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s")
}

func BenchmarkDirectoryLDAP10k(b *testing.B) {
	people := make([]slapdtest.Person, 10_000)
	for i := range people {
		people[i] = slapdtest.Person{UID: fmt.Sprintf("u%05d", i), First: fmt.Sprintf("F%05d", i), Last: "Staff",
			Mail: fmt.Sprintf("u%05d@example.com", i), Department: "Dept", Title: "Engineer"}
	}
	srv := slapdtest.Start(b, people)
	var total, cpu time.Duration
	for range b.N {
		b.StopTimer()
		s, _ := tOpen(b)
		tLDAPSettings(b, s, srv, func(set *model.DirectorySettings) { set.PageSize = 500 })
		b.StartTimer()
		start, cpuStart := time.Now(), cpuTime()
		res, err := s.SyncDirectoryLDAP(context.Background(), tAdmin, SyncOptions{})
		total, cpu = total+time.Since(start), cpu+cpuTime()-cpuStart
		if err != nil || len(res.Plan.Joiners) != 10_000 {
			b.Fatalf("%v %s", err, res.Plan.Summary())
		}
	}
	b.ReportMetric(total.Seconds()/float64(b.N), "sync-s")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s") // keydesk's side only: slapd is another process
}
