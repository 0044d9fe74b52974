package ui

import (
	"runtime"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
)

// heapNow is the live heap after a full collection.
func heapNow() int64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// perSession opens sessions on a store of n keys and n employees and
// returns the heap of the first sessions (the shared view, with the
// orders and searches they ask of it) and what each further session
// asking the same adds, with the drivers (kept alive until the caller is
// done).
func perSession(t *testing.T, n, sessions int) (first, each int64, ds []*driver) {
	t.Helper()
	st := tStore(t)
	if err := st.FillDemo(model.LocalAdmin("demo"), n, n); err != nil {
		t.Fatal(err)
	}
	open := func() *driver {
		d := whole(t, newDriver(t, st, 120, 40))
		d.press("2", "o")           // the keys, sorted another way: shared
		d.press("/", "ab", "enter") // the same search: one answer for all
		return d
	}
	before := heapNow()
	// The first two make the view and the lists they ask of it.
	ds = append(ds, whole(t, newDriver(t, st, 120, 40)), open())
	// The search's index is made after the view is published: in the
	// shared view's figure, not in a session's.
	for deadline := time.Now().Add(2 * time.Minute); !ds[0].app.idx.SearchIndexed(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the search's index was never made")
		}
	}
	afterFirst := heapNow()
	for range sessions {
		ds = append(ds, open())
	}
	afterAll := heapNow()
	return afterFirst - before, (afterAll - afterFirst) / int64(sessions), ds
}

// whole waits until the session holds the whole index: the driver gives
// up on a command after a while, and the first build of thousands of
// rows on a busy machine under the race detector takes longer.
func whole(t *testing.T, d *driver) *driver {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); d.app.idx == nil; {
		if time.Now().After(deadline) {
			t.Fatal("the whole index never came")
		}
		d.app.loading = false // the load the driver gave up on
		d.reload()
	}
	return d
}

// serve's memory with N sessions is the shared view plus a per-session
// amount that does not grow with the data: eight times the rows cost the
// shared view several times more, and each session about the same.
func TestSessionsShareOneView(t *testing.T) {
	if testing.Short() {
		t.Skip("fills two databases")
	}
	const sessions = 8
	const smallRows, bigRows = 1000, 12000
	// Both trails are longer than the audit screen's page (its newest
	// entries, a bounded amount per session).
	smallFirst, smallEach, small := perSession(t, smallRows, sessions)
	bigFirst, bigEach, big := perSession(t, bigRows, sessions)
	t.Logf("%d rows: first sessions %d KiB, each other %d KiB; %d rows: %d KiB, %d KiB (%.2f bytes per session per row more)",
		smallRows, smallFirst>>10, smallEach>>10, bigRows, bigFirst>>10, bigEach>>10, float64(bigEach-smallEach)/(bigRows-smallRows))
	if bigFirst < 6*smallFirst {
		t.Errorf("the shared view did not grow with the data (%d -> %d bytes): is it measured?", smallFirst, bigFirst)
	}
	// What a session holds on its own: its models and screens, not rows.
	// A list of the rows it shows of its own (4 bytes a row: 43 KiB more
	// at 12000 rows) is past the slack, which is for the collector's and
	// the allocator's noise.
	if slack := smallEach/8 + 8<<10; bigEach > smallEach+slack {
		t.Errorf("a session costs %d bytes with %d rows but %d with %d: sessions hold rows of their own", smallEach, smallRows, bigEach, bigRows)
	}
	for _, ds := range [][]*driver{small, big} {
		for _, d := range ds[1:] {
			if d.app.idx != ds[0].app.idx {
				t.Fatal("two sessions of one store hold different indexes")
			}
		}
	}

	// One write: the first session to hear of it updates the view, the
	// others get the same update; nothing is built again.
	live := big[0].app.live
	builds, updates := live.Builds(), live.Updates()
	if _, err := big[0].st.AddEmployee(tActor, model.EmployeeInput{FirstName: "Newt", LastName: "Scamander", Email: "newt@example.com"}, ""); err != nil {
		t.Fatal(err)
	}
	for _, d := range big {
		d.reload()
	}
	if live.Builds() != builds || live.Updates() != updates+1 {
		t.Fatalf("one write: %d builds and %d updates, want 0 and 1", live.Builds()-builds, live.Updates()-updates)
	}
	for _, d := range big {
		if d.app.idx != big[0].app.idx {
			t.Fatal("after the write two sessions hold different indexes")
		}
	}
	big[len(big)-1].press("1", "/", "newt", "enter")
	big[len(big)-1].mustSee("Newt Scamander")
	runtime.KeepAlive(small)
}

var _ = store.Serial
