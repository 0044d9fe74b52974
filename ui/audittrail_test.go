package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
)

// tTrailStore is a trail of 1,000 imports by ann, one a day at noon
// from 2024-01-01, and one by bob on 2024-06-01: more than a window
// holds, over many dates.
func tTrailStore(t testing.TB) *store.Store {
	t.Helper()
	day := time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)
	clock := day
	st := tStoreAt(t, func() time.Time { return clock })
	ann, bob := model.LocalAdmin("ann"), model.LocalAdmin("bob")
	for i := range 1000 {
		who := ann
		if clock.Format("2006-01-02") == "2024-06-01" {
			who = bob
		}
		if _, err := st.ImportKeys(who, []store.KeyRow{{Line: 2, KeyInput: model.KeyInput{Serial: fmt.Sprintf("T-%04d", i)}}}); err != nil {
			t.Fatal(err)
		}
		clock = clock.Add(24 * time.Hour)
	}
	return st
}

// An auditor reaches every entry, the first included, paged from the
// store; goes to a date; filters by actor, key and action; the actor is
// on screen at 80 columns.
func TestAuditReachesEveryEntryGoesToADateAndFilters(t *testing.T) {
	st := tTrailStore(t)
	d := newDriver(t, st, 80, 24)
	d.press("3")
	d.mustSee("entry 1,000 of 1,000", "Actor", "ann · admin", "T-0999")

	d.press("G") // the oldest, read from the store's other end
	d.mustSee("entry 1 of 1,000", "T-0000", "2024-01-01 12:00")
	d.press("g")
	d.mustSee("entry 1,000 of 1,000")
	for range 30 { // page by page, past the first window
		d.press("pgdown")
	}
	if e, ok := d.app.audit.Selected(); !ok || e.Seq > 600 {
		t.Fatalf("after 30 pages the cursor is on entry %d", e.Seq)
	}
	for range 80 {
		d.press("pgdown")
	}
	d.mustSee("entry 1 of 1,000")
	for range 80 {
		d.press("pgup")
	}
	d.mustSee("entry 1,000 of 1,000")

	d.press("d", "2024-10-01", "enter")
	d.mustSee("2024-10-01 12:00", "from 2024-10-01 back")
	d.mustNotSee("2024-10-02")
	d.press("esc")
	d.mustSee("entry 1,000 of 1,000")

	d.press("f", "bob", "enter")
	d.mustSee("filter: actor bob · esc clears it", "bob · admin", "2024-06-01")
	d.mustNotSee("ann · admin")
	d.press("esc")
	d.mustSee("no filter", "ann · admin")
	d.press("f", "tab", "tab", "t-0500", "enter") // the key field
	d.mustSee("filter: key t-0500", "T-0500")
	d.mustNotSee("T-0501")
	d.press("f", "tab", "key imported", "enter")
	d.mustSee("filter: action key imported + key t-0500")
	d.press("esc", "/", "2024-03-0", "enter")
	if n := strings.Count(d.view(), "2024-03-0"); n != 10 { // nine entries and the search line
		t.Fatalf("the search of 2024-03-0 shows %d entries:\n%s", n, d.view())
	}
}
