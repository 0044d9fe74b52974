package data

import (
	"fmt"
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
