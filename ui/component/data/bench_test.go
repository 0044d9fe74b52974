package data

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
)

// synthetic is a snapshot shaped like the demo's: n keys, n employees,
// two thirds of them holding a key; four profiles, and licences ending
// over 14 months for nine keys in ten.
func synthetic(n int) store.Snapshot {
	var snap store.Snapshot
	t0 := time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)
	snap.At = t0
	for id, name := range []string{"Default", "Standard", "High security", "Shared desk"} {
		snap.Profiles = append(snap.Profiles, store.ProfileUse{Profile: model.Profile{ID: uint64(id + 1), Name: name}})
	}
	first := []string{"Olivia", "Liam", "Emma", "Noah", "Ava", "Oliver", "Sophia", "Elijah"}
	last := []string{"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis"}
	for i := 0; i < n; i++ {
		snap.Keys = append(snap.Keys, model.Key{ID: uint64(i + 1), Serial: fmt.Sprintf("ST1010%010d", i),
			MAC:   fmt.Sprintf("D0:7E:%02X:%02X:%02X:%02X", byte(i>>24), byte(i>>16), byte(i>>8), byte(i)),
			Model: "IPI Key 4", Firmware: "4.1.7", RFID: fmt.Sprintf("%010X", i*7919), Status: model.Ready, UpdatedAt: t0})
		f, l := first[i%len(first)], last[(i/len(first))%len(last)]+fmt.Sprint(i/64)
		snap.Employees = append(snap.Employees, model.Employee{ID: uint64(i + 1), FirstName: f, LastName: l,
			Email: fmt.Sprintf("%s.%s@example.com", f, l), Department: "Engineering", Position: "Software Engineer"})
		if i%3 != 0 {
			snap.Keys[i].Status, snap.Keys[i].EmployeeID, snap.Employees[i].KeyID = model.Active, uint64(i+1), uint64(i+1)
		}
		k := &snap.Keys[i]
		k.ProfileID, k.AppliedProfileID = uint64(i%4+1), uint64(i%4+1)
		if i%10 != 0 {
			k.LicenceUntil = model.LicenceDate(model.LicenceDay(t0) + i%420 - 30)
		}
	}
	return snap
}

func BenchmarkBuild(b *testing.B) {
	snap := synthetic(100_000)
	b.ReportAllocs()
	for b.Loop() {
		Build(snap)
	}
}

func BenchmarkSearch(b *testing.B) {
	x := Build(synthetic(100_000))
	order := x.EmployeeOrder(EmployeesByName)
	for b.Loop() {
		hit := x.EmployeesMatching("oli")
		Filter(order, func(i int32) bool { return hit[i] })
	}
}

// BenchmarkLicenceFilter is the Keys list's filter by licence status on
// 100,000 keys, in the list's order.
func BenchmarkLicenceFilter(b *testing.B) {
	x := Build(synthetic(100_000))
	order := x.KeyOrder(KeysBySerial)
	for b.Loop() {
		Filter(order, func(i int32) bool { return x.Keys[i].Licence() == model.LicenceExpired })
	}
}

// BenchmarkStatusFilter is the same by status, for comparison.
func BenchmarkStatusFilter(b *testing.B) {
	x := Build(synthetic(100_000))
	order := x.KeyOrder(KeysBySerial)
	for b.Loop() {
		Filter(order, func(i int32) bool { return x.Keys[i].Status() == model.Ready })
	}
}

// big is the synthetic snapshot of a million rows for the figures of
// issue 18 and its index with every order sorted, made once per run and
// only where make bench asks for them.
func big(b *testing.B) (store.Snapshot, *Index) {
	b.Helper()
	if os.Getenv("KEYDESK_BENCH_1M") == "" {
		b.Skip("the million-row figures run in make bench (KEYDESK_BENCH_1M=1)")
	}
	bigOnce.Do(func() {
		bigSnap = synthetic(1_000_000)
		bigIndex = Build(bigSnap)
		for _, by := range KeySorts {
			bigIndex.KeyOrder(by)
		}
		for _, by := range EmployeeSorts {
			bigIndex.EmployeeOrder(by)
		}
	})
	return bigSnap, bigIndex
}

var (
	bigOnce  sync.Once
	bigSnap  store.Snapshot
	bigIndex *Index
)

// BenchmarkUpdate1M is what one write costs the shared view at a million
// keys and employees, every order sorted before: a key assigned to an
// employee (both rows change, and move in the orders), and the two lists
// the sessions show first (employees by name, keys by serial) moved.
func BenchmarkUpdate1M(b *testing.B) {
	snap, x := big(b)
	runtime.GC() // the build's garbage is not the write's
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := snap.Keys[(i*3)%len(snap.Keys)]
		e := snap.Employees[(i*3)%len(snap.Employees)]
		k.Status, k.EmployeeID, k.Rev = model.Reserved, e.ID, k.Rev+uint64(i)+1
		e.KeyID, e.Rev = k.ID, e.Rev+uint64(i)+1
		next, ok := x.Update(store.Touched{Keys: []model.Key{k}, Employees: []model.Employee{e}, Profiles: x.Profiles})
		if !ok {
			b.StopTimer()
			x = Build(snap) // past maxDirty: what Live does
			b.StartTimer()
			continue
		}
		next.EmployeeOrder(EmployeesByName)
		next.KeyOrder(KeysBySerial)
		x = next
	}
	bigIndex = x
}

// BenchmarkFind1M is a search of a million employees as typed, one key
// after the other ("olivia sm" again and again, as a new version of the
// data each time: nothing cached but the keys typed before).
func BenchmarkFind1M(b *testing.B) {
	_, x := big(b)
	runtime.GC()
	queries := []string{"o", "ol", "oli", "oliv", "olivia", "olivia s", "olivia sm"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q := queries[i%len(queries)]
		if i%len(queries) == 0 {
			x.mu.Lock()
			x.found = foundCache{}
			x.mu.Unlock()
		}
		x.FindEmployees(q, EmployeesByName)
	}
}
