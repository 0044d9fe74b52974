package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/keydesk/keydesk/store"
)

// The first screen comes from the store's first page of employees while
// the whole index loads. These tests hold Init's two answers and deliver
// them in the order a slow or a fast machine would.

// startHeld is an app at 100x24 on the fixture store, with a first page of
// three employees (Ada Lovelace, Alan Turing, Barbara Liskov of seven),
// and Init's two loads run but not yet delivered.
func startHeld(t *testing.T) (*driver, previewMsg, indexMsg) {
	t.Helper()
	st := tFixtureStore(t)
	d := newDriverHeld(t, st)
	d.app.previewRows = 3
	cmds, ok := batched(d.app.Init()())
	if !ok {
		t.Fatal("Init does not start its loads side by side")
	}
	var preview *previewMsg
	var full *indexMsg
	for _, c := range cmds {
		switch msg := c().(type) {
		case previewMsg:
			preview = &msg
		case indexMsg:
			full = &msg
		}
	}
	if preview == nil || full == nil || preview.err != nil || full.err != nil {
		t.Fatalf("Init's loads: first page %+v, whole index %+v", preview, full)
	}
	return d, *preview, *full
}

// newDriverHeld is newDriver without running Init.
func newDriverHeld(t *testing.T, st *store.Store) *driver {
	t.Helper()
	a := newApp(Config{Store: st, Actor: tActor, Renderer: asciiRenderer(), Now: func() time.Time { return tNow }})
	a.noWatch = true
	d := &driver{t: t, app: a, st: st}
	d.send(resize(100, 24))
	return d
}

// selectedLine is the list row under the cursor.
func selectedLine(d *driver) string {
	for _, l := range strings.Split(d.view(), "\n") {
		if strings.HasPrefix(l, "> ") {
			return l
		}
	}
	return ""
}

func countsLine(d *driver) string { return strings.Split(d.view(), "\n")[1] }

func TestFirstPageThenWholeIndex(t *testing.T) {
	d, preview, full := startHeld(t)
	d.mustSee("loading…")

	d.send(preview)
	d.mustSee("Employees  first 3 · sorted by name · loading all employees…", "Ada Lovelace", "Alan Turing", "Barbara Liskov")
	d.mustNotSee("Grace Hopper")
	counts := countsLine(d)
	if !strings.Contains(counts, "Reserved 1") || !strings.Contains(counts, "Active 1") {
		t.Fatalf("the header does not count the keys from the first page:\n%s", d.view())
	}
	// Scrolling stops at the end of the page.
	d.press("down", "pgdown", "down")
	if l := selectedLine(d); !strings.Contains(l, "Barbara Liskov") {
		t.Fatalf("cursor on %q, want the page's last row, Barbara Liskov", l)
	}

	d.send(full)
	d.mustSee("7 of 7 · no filter · sorted by name", "Grace Hopper")
	d.mustNotSee("loading")
	if l := selectedLine(d); !strings.Contains(l, "Barbara Liskov") {
		t.Fatalf("cursor on %q after the whole index came, want it still on Barbara Liskov", l)
	}
	if got := countsLine(d); got != counts {
		t.Fatalf("the counts changed from\n%s\nto\n%s", counts, got)
	}
	if d.app.preview != nil {
		t.Fatal("the first page is kept after the whole index came")
	}
}

func TestLateFirstPageIsIgnored(t *testing.T) {
	d, preview, full := startHeld(t)
	d.send(full)
	d.press("G") // on Margaret Hamilton, past the first page
	before := d.view()
	d.send(preview)
	if after := d.view(); after != before {
		t.Fatalf("a first page arriving after the whole index changed the screen from\n%s\nto\n%s", before, after)
	}
	d.press("/", "grace", "enter")
	d.mustSee("1 of 7", "Grace Hopper")
}

func TestSearchTypedOnTheFirstPageWaitsForTheWholeIndex(t *testing.T) {
	d, preview, full := startHeld(t)
	d.send(preview)
	d.press("/", "hop")
	// The first page has no Grace Hopper: it must not say "no employees".
	d.mustSee("sorted by name · loading all employees…", "/ hop")
	d.mustNotSee("Ada Lovelace", "no employees")
	d.press("per", "enter")

	d.send(full)
	d.mustSee("1 of 7", "Grace Hopper", "/ hopper")
	d.mustNotSee("Ada Lovelace")
	d.press("esc")
	d.mustSee("7 of 7")
}

func TestSortOnTheFirstPageWaitsForTheWholeIndex(t *testing.T) {
	d, preview, full := startHeld(t)
	d.send(preview)
	d.press("o")
	d.mustSee("sorted by e-mail · loading all employees…")
	d.mustNotSee("Ada Lovelace")

	d.send(full)
	d.mustSee("7 of 7 · no filter · sorted by e-mail")
	if l := selectedLine(d); !strings.Contains(l, "ada@example.com") {
		t.Fatalf("first row %q, want ada@example.com first by e-mail", l)
	}
}

func TestKeysPressedOnTheFirstPage(t *testing.T) {
	d, preview, full := startHeld(t)
	d.send(preview)

	// The Keys screen waits for the whole index, and says so.
	d.press("2")
	d.mustSee("Keys  loading…")
	d.mustNotSee("no keys", "KD-0001")
	d.press("/", "KD-0003", "enter", "1")

	// A page opens: it is the store's own data.
	d.press("down", "down", "enter") // Barbara Liskov, who holds no key
	d.mustSee("Barbara Liskov", "barbara@example.com", "History")

	// An action answers that it waits; nothing opens.
	d.press("a")
	if d.app.dialog != nil {
		t.Fatal("assign opened a picker from the first page")
	}
	d.mustSee("still loading all employees and keys")

	d.send(full)
	d.mustSee("Barbara Liskov", "barbara@example.com", "History")
	d.mustNotSee("still loading")
	d.press("a")
	if d.app.dialog == nil {
		t.Fatal("assign opened nothing once the whole index came")
	}
	d.mustSee("Ready keys")
	d.press("esc", "esc", "2")
	// The search typed on the Keys screen while it loaded is applied.
	d.mustSee("1 of 10", "KD-0003")
}

// G asks for the last employee, whom a first page does not hold: the
// cursor goes there when the whole list comes, unless the admin moved on.
func TestLastOnTheFirstPageGoesToTheLastEmployee(t *testing.T) {
	d, preview, full := startHeld(t)
	d.send(preview)
	d.press("G")
	if l := selectedLine(d); !strings.Contains(l, "Barbara Liskov") {
		t.Fatalf("cursor on %q, want the page's last row for now", l)
	}
	d.send(full)
	if l := selectedLine(d); !strings.Contains(l, "Margaret Hamilton") {
		t.Fatalf("cursor on %q, want the last employee, Margaret Hamilton", l)
	}

	d, preview, full = startHeld(t)
	d.send(preview)
	d.press("G", "up")
	d.send(full)
	if l := selectedLine(d); !strings.Contains(l, "Alan Turing") {
		t.Fatalf("cursor on %q, want it where the admin moved it, Alan Turing", l)
	}
}
