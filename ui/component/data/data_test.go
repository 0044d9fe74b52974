package data

import (
	"slices"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
)

// tSnapshot is a small snapshot with a holder, a free key, a name with
// an escape sequence, and mixed case.
func tSnapshot() store.Snapshot {
	t0 := time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)
	return store.Snapshot{
		Keys: []model.Key{
			{ID: 1, Serial: "KD-2", MAC: "D0:7E:00:00:00:0A", RFID: "RF1", Status: model.Active, EmployeeID: 2, UpdatedAt: t0, Rev: 3},
			{ID: 2, Serial: "KD-1", Status: model.Ready, UpdatedAt: t0.Add(time.Hour), Rev: 1},
			{ID: 3, Serial: "KD-3", Status: model.Locked, EmployeeID: 1, UpdatedAt: t0.Add(-time.Hour), Note: "bad\x1b[2Jnote", Rev: 5},
		},
		Employees: []model.Employee{
			{ID: 1, FirstName: "Zoë", LastName: "Ärger", Email: "zoe@example.com", Department: "IT", KeyID: 3, Rev: 2},
			{ID: 2, FirstName: "ada", LastName: "Lovelace", Email: "ada@example.com", Phone: "+44 20 7946-0001", Department: "Research", KeyID: 1, Rev: 7},
			{ID: 5, FirstName: "Eve\x1b]52;c;aGk=\x07", LastName: "Mallory", Email: "eve@example.com", Department: "IT"},
		},
	}
}

func TestBuildLinksKeysAndHolders(t *testing.T) {
	x := Build(tSnapshot())
	k, ok := x.KeyBySerial("KD-2")
	if !ok || k.Employee() != "ada Lovelace" || k.Email() != "ada@example.com" {
		t.Fatalf("KD-2: %v %q %q", ok, k.Employee(), k.Email())
	}
	if k.Ref() != (store.KeyRef{Serial: "KD-2", Rev: 3}) {
		t.Fatalf("ref %+v", k.Ref())
	}
	free, _ := x.KeyBySerial("KD-1")
	if free.Employee() != "" || free.Email() != "" {
		t.Fatal("a Ready key has a holder")
	}
	e, ok := x.Employee(2)
	if !ok || e.KeySerial() != "KD-2" || e.KeyStatus() != model.Active || e.Ref() != (store.EmployeeRef{Email: "ada@example.com", Rev: 7}) {
		t.Fatalf("employee 2: %v %q %s %+v", ok, e.KeySerial(), e.KeyStatus(), e.Ref())
	}
	if _, ok := x.Employee(4); ok {
		t.Fatal("found an employee that does not exist")
	}
	if _, ok := x.KeyBySerial("KD-9"); ok {
		t.Fatal("found a key that does not exist")
	}
	for s, want := range map[model.Status]int{model.Active: 1, model.Ready: 1, model.Locked: 1, model.Suspended: 0} {
		if got := x.Count(s); got != want {
			t.Errorf("Count(%s) = %d, want %d", s, got, want)
		}
	}
}

func TestRowsGiveOnlyPrintableText(t *testing.T) {
	x := Build(tSnapshot())
	e, _ := x.Employee(5)
	if e.Name() != "Eve␛]52;c;aGk=␇ Mallory" {
		t.Fatalf("name %q", e.Name())
	}
	k, _ := x.KeyBySerial("KD-3")
	if k.Note() != "bad␛[2Jnote" {
		t.Fatalf("note %q", k.Note())
	}
	// The edit form gets the stored profile, untouched.
	if e.Input().FirstName != "Eve\x1b]52;c;aGk=\x07" {
		t.Fatal("Input changed the stored value")
	}
}

func TestSearchLooksInTheListedFields(t *testing.T) {
	x := Build(tSnapshot())
	k, _ := x.KeyBySerial("KD-2")
	pos := func(id uint64) int {
		for i := range x.Keys {
			if x.Keys[i].ID() == id {
				return i
			}
		}
		return -1
	}
	for _, q := range []string{"kd-2", "d0:7e:00:00:00:0a", "d07e0000000a", "rf1", "lovelace", "ada@"} {
		hit := x.KeysMatching(q)
		if !hit[pos(k.ID())] {
			t.Errorf("KD-2 does not match %q", q)
		}
	}
	if hit := x.KeysMatching("research"); hit[pos(k.ID())] {
		t.Error("a key matches its holder's department")
	}
	if hit := x.KeysMatching("kd-2d0"); hit[pos(k.ID())] {
		t.Error("a query matched across two fields")
	}
	if x.KeysMatching("") != nil {
		t.Error("an empty query filters")
	}
	zoe := 0 // Zoë is the first employee
	for _, q := range []string{"zoë ärger", "it", "kd-3", "zoe@"} {
		if !x.EmployeesMatching(q)[zoe] {
			t.Errorf("Zoë does not match %q", q)
		}
	}
	ada := 1
	for _, q := range []string{"+44 20 7946-0001", "7946-0001", "(20) 7946", "442079460001", "79460001"} {
		if hit := x.EmployeesMatching(NormalizeQuery(q)); !hit[ada] || hit[zoe] {
			t.Errorf("the phone %q: %v, want ada alone", q, hit)
		}
	}
	if hit := x.EmployeesMatching(NormalizeQuery("research+44")); hit[ada] {
		t.Error("a query matched across the department and the phone")
	}
	if hit := x.EmployeesMatching("mallory"); hit[0] || hit[1] || !hit[2] {
		t.Errorf("mallory: %v", hit)
	}
	// The last row's last field matches too.
	if hit := x.EmployeesMatching("it"); !hit[2] {
		t.Errorf("it: %v", hit)
	}
}

func TestFilter(t *testing.T) {
	order := []int32{3, 1, 2, 0}
	if got := Filter(order, nil); &got[0] != &order[0] {
		t.Error("no filter copied the order")
	}
	if got := Filter(order, func(i int32) bool { return i%2 == 1 }); !slices.Equal(got, []int32{3, 1}) {
		t.Errorf("odd: %v", got)
	}
}

func TestOrders(t *testing.T) {
	x := Build(tSnapshot())
	serials := func(o []int32) []string {
		var out []string
		for _, i := range o {
			out = append(out, x.Keys[i].Serial())
		}
		return out
	}
	names := func(o []int32) []string {
		var out []string
		for _, i := range o {
			out = append(out, x.Employees[i].RawEmail())
		}
		return out
	}
	for _, c := range []struct {
		by   KeySort
		want []string
	}{
		{KeysBySerial, []string{"KD-1", "KD-2", "KD-3"}},
		{KeysByStatus, []string{"KD-1", "KD-2", "KD-3"}}, // Ready, Active, Locked
		{KeysByLastChange, []string{"KD-1", "KD-2", "KD-3"}},
		{KeysByEmployee, []string{"KD-2", "KD-3", "KD-1"}}, // ada, Zoë, then nobody's
	} {
		if got := serials(x.KeyOrder(c.by)); !slices.Equal(got, c.want) {
			t.Errorf("keys by %s: %v, want %v", c.by, got, c.want)
		}
	}
	for _, c := range []struct {
		by   EmployeeSort
		want []string
	}{
		{EmployeesByName, []string{"ada@example.com", "eve@example.com", "zoe@example.com"}},
		{EmployeesByEmail, []string{"ada@example.com", "eve@example.com", "zoe@example.com"}},
		{EmployeesByDepartment, []string{"eve@example.com", "zoe@example.com", "ada@example.com"}},
		{EmployeesByKeyStatus, []string{"ada@example.com", "zoe@example.com", "eve@example.com"}},
	} {
		if got := names(x.EmployeeOrder(c.by)); !slices.Equal(got, c.want) {
			t.Errorf("employees by %s: %v, want %v", c.by, got, c.want)
		}
	}
}

func TestSortBeyondTheFirstSixteenBytes(t *testing.T) {
	var snap store.Snapshot
	for i, last := range []string{"Smith-Zed", "Smith-Abe", "Smith-Moe"} {
		snap.Employees = append(snap.Employees, model.Employee{ID: uint64(i + 1), FirstName: "Alexandrina", LastName: last, Email: last + "@x.io"})
	}
	x := Build(snap)
	var got []string
	for _, i := range x.EmployeeOrder(EmployeesByName) {
		got = append(got, x.Employees[i].r().emp.LastName)
	}
	if want := []string{"Smith-Abe", "Smith-Moe", "Smith-Zed"}; !slices.Equal(got, want) {
		t.Fatalf("%v, want %v", got, want)
	}
}

func TestSparseIDs(t *testing.T) {
	snap := tSnapshot()
	snap.Employees[2].ID = 1 << 40 // far beyond the count: a map is used
	x := Build(snap)
	if e, ok := x.Employee(1 << 40); !ok || e.RawEmail() != "eve@example.com" {
		t.Fatal("sparse id not found")
	}
}

func TestNormalizeQueryReadsPhonesAsDigits(t *testing.T) {
	for q, want := range map[string]string{
		"  Ada ":           "ada",
		"+44 20 7946-0001": "442079460001",
		"(020) 7946.0001":  "02079460001",
		"0001":             "0001", // a plain number stays
		"kd-0002":          "kd-0002",
		"d0:7e":            "d0:7e",
		"+-":               "+-", // no digits: not a phone
	} {
		if got := NormalizeQuery(q); got != want {
			t.Errorf("NormalizeQuery(%q) = %q, want %q", q, got, want)
		}
	}
}
