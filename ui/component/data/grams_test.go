package data

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
)

// gramSnapshot is rows whose texts hold what a search meets: names in
// and out of ASCII, signs, digits, a holder for some keys.
func gramSnapshot(n int) store.Snapshot {
	first := []string{"Victoria", "Victor", "Ann", "Zoë", "Ångström", "O'Neil", "Gonzalo", "ümit", "Li", "Vic", "A", "Ab"}
	last := []string{"Gonzalez", "Smith", "Ævarsdóttir", "Lee-Wong", "da Silva", "Ng", "VICTORY", "x", "Straße"}
	depts := []string{"Engineering", "Sales", "R&D", "", "Zeta Lab", "g", "İstanbul"}
	var snap store.Snapshot
	for i := range n {
		f, l := first[i%len(first)], last[(i/len(first))%len(last)]
		snap.Employees = append(snap.Employees, model.Employee{ID: uint64(i + 1), FirstName: f, LastName: l,
			Email: fmt.Sprintf("%s.%d@example.com", strings.ToLower(strings.ReplaceAll(f, "'", "")), i), Department: depts[i%len(depts)],
			Position: "Staff", Phone: fmt.Sprintf("+44 20 7946 %04d", i)})
		snap.Keys = append(snap.Keys, model.Key{ID: uint64(i + 1), Serial: fmt.Sprintf("ST10%06d", i*37),
			MAC: fmt.Sprintf("D0:7E:%02X:%02X:%02X:%02X", byte(i>>24), byte(i>>16), byte(i>>8), byte(i)), RFID: fmt.Sprintf("%08X", i*7919), Status: model.Ready})
		if i%3 == 1 {
			snap.Keys[i].Status, snap.Keys[i].EmployeeID, snap.Employees[i].KeyID = model.Active, uint64(i+1), uint64(i+1)
		}
	}
	return snap
}

// queriesOf is what people type: pieces of the rows' texts of every
// length, one and two words, their first keys one after the other, and
// some that match nothing.
func queriesOf(x *Index, r *rand.Rand, n int) []string {
	var out []string
	pieces := func(s *searchText) string {
		row := r.IntN(len(s.starts) - 1)
		text := s.text[s.starts[row]:s.starts[row+1]]
		fields := strings.Split(strings.TrimSuffix(text, "\x00"), "\x00")
		f := fields[r.IntN(len(fields))]
		if f == "" {
			return "a"
		}
		from := r.IntN(len(f))
		to := min(len(f), from+1+r.IntN(6))
		return strings.TrimSpace(f[from:to])
	}
	for range n {
		s := &x.employeeText
		if r.IntN(2) == 0 {
			s = &x.keyText
		}
		q := pieces(s)
		if r.IntN(3) == 0 {
			q += " " + pieces(s)
		}
		q = NormalizeQuery(q)
		for i := 1; i <= len(q); i++ {
			out = append(out, q[:i]) // as typed
		}
	}
	return append(out, "zzzq", "ö", "ß", "&d", "r&", "-", "@", ".", "e-", "'n", "x y z", "victoria gonzalez", "44207946")
}

// The gram index finds what reading the whole text finds, rank for
// rank, for every query: on a build, and on the versions after writes
// (rows changed, added, deleted).
func TestGramIndexFindsWhatTheScanFinds(t *testing.T) {
	defer gramsFrom.Store(gramsFrom.Swap(0))
	snap := gramSnapshot(2000)
	r := rand.New(rand.NewPCG(1, 2))
	indexed := Build(snap)
	if indexed.employeeText.grams.get() == nil || indexed.keyText.grams.get() == nil {
		t.Fatal("no gram index built")
	}
	queries := queriesOf(indexed, r, 400)
	scanned := func(snap store.Snapshot) *Index {
		x := Build(snap)
		x.keyText.grams, x.employeeText.grams = nil, nil
		return x
	}
	compare := func(name string, a, b *Index) {
		t.Helper()
		for _, q := range queries {
			for _, by := range EmployeeSorts {
				if got, want := a.FindEmployees(q, by), b.FindEmployees(q, by); !slices.Equal(got, want) {
					t.Fatalf("%s: employees %q by %v: indexed %d rows %v, scanned %d rows %v", name, q, by, len(got), head(got), len(want), head(want))
				}
			}
			if got, want := a.FindKeys(q, KeysBySerial), b.FindKeys(q, KeysBySerial); !slices.Equal(got, want) {
				t.Fatalf("%s: keys %q: indexed %d rows %v, scanned %d rows %v", name, q, len(got), head(got), len(want), head(want))
			}
		}
	}
	plain := scanned(snap)
	compare("build", indexed, plain)

	// Writes: a rename, a key given, a new employee, one deleted.
	e := snap.Employees[5]
	e.FirstName, e.Rev = "Victory", 9
	k := snap.Keys[6]
	k.EmployeeID, k.Status, k.Rev = e.ID, model.Active, 9
	e.KeyID = k.ID
	added := model.Employee{ID: 5000, FirstName: "Ümran", LastName: "Vicario", Email: "umran@example.com", Phone: "+1 555 0100"}
	touched := store.Touched{Keys: []model.Key{k}, Employees: []model.Employee{e, added}, GoneEmployees: []uint64{snap.Employees[9].ID}}
	var ok1, ok2 bool
	indexed.FindEmployees("vic", EmployeesByName) // an earlier search of the version before
	indexed, ok1 = indexed.Update(touched)
	plain, ok2 = plain.Update(touched)
	if !ok1 || !ok2 {
		t.Fatal("the update was refused")
	}
	compare("after writes", indexed, plain)
	if got := indexed.FindEmployees("vicario", EmployeesByName); len(got) != 1 {
		t.Errorf("the employee added is not found: %v", got)
	}
	if got := indexed.FindEmployees(NormalizeQuery(snap.Employees[9].Email), EmployeesByName); len(got) != 0 {
		t.Errorf("the employee deleted is found: %v", got)
	}
}

func head(rows []int32) []int32 { return rows[:min(len(rows), 8)] }

// The postings decode to the rows that hold each gram, as lists and as
// bitmaps.
func TestGramPostings(t *testing.T) {
	x := Build(gramSnapshot(int(gramsFrom.Load())))
	g := x.employeeText.grams.get()
	bitmaps, lists := 0, 0
	for k, id := range g.ids {
		if g.isBitmap(uint32(k)) {
			bitmaps++
		} else {
			lists++
		}
		rows := g.rowsOf(uint32(k))
		if len(rows) != int(g.n[k]) || !slices.IsSorted(rows) {
			t.Fatalf("gram %d: %d rows (sorted %v), want %d", id, len(rows), slices.IsSorted(rows), g.n[k])
		}
	}
	if bitmaps == 0 || lists == 0 {
		t.Errorf("%d bitmaps and %d lists: both kinds should be met", bitmaps, lists)
	}
	id := gramUni + uint32('v')
	k, ok := g.slot(id)
	if !ok {
		t.Fatal("no posting for v")
	}
	var want []int32
	for i := range len(x.employeeText.starts) - 1 {
		if strings.Contains(x.employeeText.text[x.employeeText.starts[i]:x.employeeText.starts[i+1]], "v") {
			want = append(want, int32(i))
		}
	}
	if got := g.rowsOf(k); !slices.Equal(got, want) {
		t.Fatalf("rows with v: %d, want %d", len(got), len(want))
	}
	all := make([]int32, len(x.Employees))
	for i := range all {
		all[i] = int32(i)
	}
	if got := g.keep(all, id); !slices.Equal(got, want) {
		t.Fatalf("kept with v: %d, want %d", len(got), len(want))
	}
}

// A list being computed (a million rows sorted another way) keeps no
// other session from its own lists and searches; those asking for the
// same list wait for the one computing it.
func TestAListBeingSortedBlocksNoOtherList(t *testing.T) {
	x := Build(gramSnapshot(500))
	release := make(chan struct{})
	started := make(chan struct{})
	go x.list("slow", func() []int32 {
		close(started)
		<-release
		return []int32{7}
	})
	<-started
	done := make(chan []int32)
	go func() {
		x.FindEmployees("vic", EmployeesByEmail)
		x.ReportedLost()
		done <- x.KeyOrder(KeysByStatus)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("a search and another order waited for a list being computed")
	}
	same := make(chan []int32)
	go func() { same <- x.list("slow", func() []int32 { t.Error("computed twice"); return nil }) }()
	select {
	case <-same:
		t.Fatal("the same list did not wait for the one computing it")
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if got := <-same; !slices.Equal(got, []int32{7}) {
		t.Fatalf("the list waited for is %v", got)
	}
}

// Every gram has an id of its own, in its kind's range.
func TestGramIDsAreDistinct(t *testing.T) {
	seen := map[uint32]string{}
	add := func(id, from, to uint32, what string) {
		if id < from || id >= to {
			t.Fatalf("%s: id %d out of [%d, %d)", what, id, from, to)
		}
		if other, ok := seen[id]; ok {
			t.Fatalf("%s and %s share the id %d", what, other, id)
		}
		seen[id] = what
	}
	for a := uint8(1); a < 64; a++ {
		add(gramUni+uint32(a), gramUni, gramBi, fmt.Sprint("uni ", a))
		add(gramUniAt+uint32(a), gramUniAt, gramBiAt, fmt.Sprint("uni at ", a))
		for b := uint8(1); b < 64; b++ {
			add(gramBi+biID(a, b), gramBi, gramTri, fmt.Sprint("bi ", a, b))
			add(gramBiAt+biID(a, b), gramBiAt, gramTriAt, fmt.Sprint("bi at ", a, b))
			for c := uint8(1); c < 64; c++ {
				add(triID(a, b, c), gramTri, gramUniAt, fmt.Sprint("tri ", a, b, c))
				add(triID(a, b, c)-gramTri+gramTriAt, gramTriAt, gramField, fmt.Sprint("tri at ", a, b, c))
				add(triID(a, b, c)-gramTri+gramField, gramField, gramIDs, fmt.Sprint("field ", a, b, c))
			}
		}
	}
}
