package data

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
)

var tAdmin = model.LocalAdmin("tester")

func tLiveStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "keydesk.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.FillDemo(tAdmin, 60, 50); err != nil {
		t.Fatal(err)
	}
	return st
}

// describe is everything the screens read of an index, as text: the
// rows in every order, the counts, a few searches.
func describe(x *Index) []string {
	var out []string
	for _, by := range KeySorts {
		for _, i := range x.KeyOrder(by) {
			k := &x.Keys[i]
			out = append(out, fmt.Sprintf("k%v %s %s %s %s %s %s %v %d %s", by, k.Serial(), k.Status(), k.Employee(), k.Email(), k.ProfileName(), k.Licence(), k.Rev(), k.LicenceDaysLeft(), k.LastHolder()))
		}
	}
	for _, by := range EmployeeSorts {
		for _, i := range x.EmployeeOrder(by) {
			e := &x.Employees[i]
			out = append(out, fmt.Sprintf("e%v %s %s %s %s %v", by, e.Name(), e.Email(), e.Department(), e.KeySerial(), e.KeyStatus()))
		}
	}
	for s := model.Status(0); s <= model.Compromised; s++ {
		out = append(out, fmt.Sprintf("count %v %d", s, x.Count(s)))
	}
	for l := model.LicenceNone; l <= model.LicenceExpired; l++ {
		out = append(out, fmt.Sprintf("licences %v %d", l, x.LicenceCount(l)))
	}
	out = append(out, fmt.Sprintf("n %d %d", x.KeyCount(), x.EmployeeCount()))
	for _, q := range []string{"a", "zed", "new person", "kd", "ready", "example.com", "new"} {
		for _, i := range x.FindEmployees(q, EmployeesByName) {
			out = append(out, fmt.Sprintf("find %q %s %s", q, x.Employees[i].Email(), x.EmployeeMatchField(&x.Employees[i], q)))
		}
		for _, i := range x.FindKeys(q, KeysBySerial) {
			out = append(out, fmt.Sprintf("findk %q %s %s", q, x.Keys[i].Serial(), x.KeyMatchField(&x.Keys[i], q)))
		}
	}
	for _, g := range x.Departments() {
		out = append(out, fmt.Sprintf("dept %s %d", g.Value, g.Count))
	}
	for _, i := range x.ReportedLost() {
		out = append(out, "lost "+x.Keys[i].Serial())
	}
	return out
}

// Every write updates the shared view from what it touched, and the
// view is then what a whole new Build of the store would be: looked at
// after each write, or only after the last (the orders move the rows of
// every write since they were last asked for at once).
func TestLiveUpdatesAsABuildWould(t *testing.T) {
	for _, lookEachTime := range []bool{true, false} {
		t.Run(fmt.Sprint("look each time ", lookEachTime), func(t *testing.T) { liveUpdates(t, lookEachTime) })
	}
}

func liveUpdates(t *testing.T, lookEachTime bool) {
	st := tLiveStore(t)
	live, release := Share(st)
	defer release()
	first, err := live.Latest()
	if err != nil {
		t.Fatal(err)
	}
	for _, by := range KeySorts { // sorted before the writes: patched by them
		first.KeyOrder(by)
	}
	for _, by := range EmployeeSorts {
		first.EmployeeOrder(by)
	}
	first.ReportedLost()
	snap, _ := st.Snapshot()
	var ready, active []model.Key
	for _, k := range snap.Keys {
		switch k.Status {
		case model.Ready:
			ready = append(ready, k)
		case model.Active:
			active = append(active, k)
		}
	}
	var free, holder model.Employee
	for _, e := range snap.Employees {
		if e.KeyID == 0 && free.ID == 0 {
			free = e
		}
		if e.KeyID != 0 && holder.ID == 0 {
			holder = e
		}
	}
	writes := []struct {
		name string
		do   func() error
	}{
		{"add", func() error {
			_, err := st.AddEmployee(tAdmin, model.EmployeeInput{FirstName: "New", LastName: "Person", Email: "new@example.com"}, "")
			return err
		}},
		{"add with key", func() error {
			_, err := st.AddEmployee(tAdmin, model.EmployeeInput{FirstName: "Zed", LastName: "Keyed", Email: "zed@example.com", Department: "Zeta"}, ready[0].Serial)
			return err
		}},
		{"assign", func() error { _, err := st.AssignKey(tAdmin, store.Serial(ready[1].Serial), free.Email); return err }},
		{"edit holder", func() error {
			_, err := st.EditEmployee(tAdmin, store.Email(holder.Email), model.EmployeeInput{FirstName: "Aaron", LastName: holder.LastName, Email: holder.Email, Department: "Alpha"})
			return err
		}},
		{"suspend", func() error { _, err := st.SuspendKey(tAdmin, store.Serial(active[0].Serial), "x"); return err }},
		{"report lost", func() error {
			_, err := st.ReportLost(tAdmin, store.Serial(active[3].Serial), "on the train")
			return err
		}},
		{"remove", func() error {
			_, err := st.RemoveKey(tAdmin, store.Serial(active[1].Serial), model.Withdrawal, "")
			return err
		}},
		{"delete", func() error { return st.DeleteEmployee(tAdmin, store.Email("new@example.com")) }},
		{"refused", func() error { _, _ = st.AssignKey(tAdmin, store.Serial(active[2].Serial), free.Email); return nil }},
	}
	for _, w := range writes {
		if err := w.do(); err != nil {
			t.Fatalf("%s: %v", w.name, err)
		}
		got, err := live.Latest()
		if err != nil {
			t.Fatal(err)
		}
		if !lookEachTime && w.name != writes[len(writes)-1].name {
			continue
		}
		snap, _ := st.Snapshot()
		want := Build(snap)
		if g, w2 := describe(got), describe(want); !slices.Equal(g, w2) {
			for i := range min(len(g), len(w2)) {
				if g[i] != w2[i] {
					t.Fatalf("after %s the view differs from a build at line %d:\n got %s\nwant %s", w.name, i, g[i], w2[i])
				}
			}
			t.Fatalf("after %s the view has %d lines, a build %d", w.name, len(g), len(w2))
		}
	}
	if live.Builds() != 1 {
		t.Errorf("%d builds, want 1: every write should have updated the view", live.Builds())
	}
	if live.Updates() != int64(len(writes)-1) {
		t.Errorf("%d updates for %d writes that touched records", live.Updates(), len(writes)-1)
	}
}

// A search wants every word somewhere, whole fields first.
func TestSearchEveryWordBestFirst(t *testing.T) {
	snap := store.Snapshot{Employees: []model.Employee{
		{ID: 1, FirstName: "Victoria", LastName: "Gonzalez", Email: "vg@example.com"},
		{ID: 2, FirstName: "Gonzalez", LastName: "Victor", Email: "gv@example.com"},
		{ID: 3, FirstName: "Ann", LastName: "Victor", Email: "ann@example.com", Department: "Gonzalez Lab"},
		{ID: 4, FirstName: "Vic", LastName: "Green", Email: "vic@example.com"},
		{ID: 5, FirstName: "Bob", LastName: "Avictory", Email: "bob@example.com", Department: "g"},
	}}
	x := Build(snap)
	names := func(q string) []string {
		var out []string
		for _, i := range x.FindEmployees(q, EmployeesByName) {
			out = append(out, x.Employees[i].Name())
		}
		return out
	}
	if got, want := names("vict g"), []string{"Ann Victor", "Gonzalez Victor", "Victoria Gonzalez", "Bob Avictory"}; !slices.Equal(got, want) {
		t.Errorf("vict g: %q, want %q", got, want)
	}
	if got, want := names("gonzalez vic"), []string{"Ann Victor", "Gonzalez Victor", "Victoria Gonzalez"}; !slices.Equal(got, want) {
		t.Errorf("gonzalez vic: %q, want %q", got, want)
	}
	if got := names("gonzalez victor"); len(got) == 0 || got[0] != "Gonzalez Victor" {
		t.Errorf("the whole name is not first: %q", got)
	}
	// Typed one key at a time, each search looks only among the rows of
	// the one before: the same answers as searching afresh.
	typed := "victor gonz"
	for n := 1; n <= len(typed); n++ {
		q := NormalizeQuery(typed[:n])
		fresh := Build(snap)
		if got, want := x.FindEmployees(q, EmployeesByName), fresh.FindEmployees(q, EmployeesByName); !slices.Equal(got, want) {
			t.Errorf("%q typed: %v, searched afresh: %v", q, got, want)
		}
	}
	e, _ := x.Employee(3)
	if f := x.EmployeeMatchField(e, "lab"); f != "department" {
		t.Errorf("matched field %q, want department", f)
	}
	if f := x.EmployeeMatchField(e, "ann@"); f != "e-mail" {
		t.Errorf("matched field %q, want e-mail", f)
	}
}

// A Build after the first (a profile changed: every key shows its name)
// is made while the sessions read the version before: Read answers at
// once, with a channel closed when the new version is published, and
// writes meanwhile are in it.
func TestARebuildLeavesTheVersionBeforeReadable(t *testing.T) {
	st := tLiveStore(t)
	live, release := Share(st)
	defer release()
	first, err := live.Latest()
	if err != nil {
		t.Fatal(err)
	}
	started, hold := make(chan struct{}), make(chan struct{})
	hook := func() { close(started); <-hold }
	buildHook.Store(&hook)
	defer buildHook.Store(nil)
	if _, err := st.AddProfile(tAdmin, "Night shift", model.DefaultRules); err != nil {
		t.Fatal(err)
	}
	read := func() (*Index, <-chan struct{}) {
		t.Helper()
		got := make(chan struct{})
		var x *Index
		var next <-chan struct{}
		go func() {
			defer close(got)
			x, next, err = live.Read()
		}()
		select {
		case <-got:
		case <-time.After(10 * time.Second):
			close(hold)
			t.Fatal("a read waited for a build")
		}
		if err != nil {
			t.Fatal(err)
		}
		return x, next
	}
	x, next := read()
	if x != first || next == nil {
		t.Fatalf("during the build: the version before %v, told of the next %v", x == first, next != nil)
	}
	<-started
	if _, err := st.AddEmployee(tAdmin, model.EmployeeInput{FirstName: "Quentin", LastName: "Blake", Email: "quentin@example.com"}, ""); err != nil {
		t.Fatal(err)
	}
	if x, again := read(); x != first || again != next {
		t.Fatal("a write during the build did not leave the version before, waiting for the same build")
	}
	close(hold)
	<-next
	x, after := read()
	if x == first || after != nil {
		t.Fatalf("after the build: a new version %v, another build %v", x != first, after != nil)
	}
	if !slices.ContainsFunc(x.Profiles, func(p store.ProfileUse) bool { return p.Name == "Night shift" }) {
		t.Error("the new version lacks the profile added")
	}
	if len(x.FindEmployees("quentin", EmployeesByName)) != 1 {
		t.Error("the new version lacks the employee added during the build")
	}
	if live.Builds() != 2 {
		t.Errorf("%d builds, want 2", live.Builds())
	}
}

// A Live's Build is published before its gram indexes are made (seconds
// at a million rows): searches read the text until they are, then use
// them, with the same answers.
func TestLiveMakesTheGramsAfterPublishing(t *testing.T) {
	defer gramsFrom.Store(gramsFrom.Swap(0))
	st := tLiveStore(t)
	live, release := Share(st)
	defer release()
	x, err := live.Latest()
	if err != nil {
		t.Fatal(err)
	}
	scanned := x.FindEmployees("a", EmployeesByName)
	for deadline := time.Now().Add(time.Minute); x.employeeText.grams.get() == nil || x.keyText.grams.get() == nil; {
		if time.Now().After(deadline) {
			t.Fatal("the gram indexes were never made")
		}
		time.Sleep(10 * time.Millisecond)
	}
	x.mu.Lock()
	x.found = foundCache{}
	x.mu.Unlock()
	if got := x.FindEmployees("a", EmployeesByName); !slices.Equal(got, scanned) {
		t.Errorf("with the grams %d rows, reading the text %d", len(got), len(scanned))
	}
}
