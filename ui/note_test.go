package ui

import (
	"strings"
	"testing"

	"github.com/keydesk/keydesk/store"
)

// longNote is a note of exactly n characters (500 is the most a note
// may hold), words one space apart.
func longNote(n int) string {
	words := strings.Fields("the key was handed back at the front desk by a colleague who found it in the car park near building seven and the casing looks scratched")
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString(words[i%len(words)])
	}
	return strings.TrimSpace(b.String()[:n])
}

// noteOnScreen is the Note field as read on screen: its first line after
// the label, then the lines indented under it, joined again by spaces.
func noteOnScreen(t *testing.T, view string) string {
	t.Helper()
	const indent = 14 // the labels' width
	var parts []string
	for _, l := range strings.Split(view, "\n") {
		switch {
		case strings.HasPrefix(l, "Note "):
			parts = append(parts, strings.TrimSpace(l[indent:]))
		case len(parts) > 0 && strings.HasPrefix(l, strings.Repeat(" ", indent)):
			parts = append(parts, strings.TrimSpace(l[indent:]))
		case len(parts) > 0:
			return strings.Join(parts, " ")
		}
	}
	t.Fatalf("no Note on screen:\n%s", view)
	return ""
}

func suspendedWithNote(t *testing.T, note string) *store.Store {
	t.Helper()
	st := tFixtureStore(t)
	if _, err := st.SuspendKey(tActor, store.Serial("KD-0003"), note); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestKeyPageShowsALongNoteWhole(t *testing.T) {
	note := longNote(500)
	d := newDriver(t, suspendedWithNote(t, note), 80, 24)
	d.press("2", "/", "KD-0003", "enter", "enter")
	if got := noteOnScreen(t, d.view()); got != note {
		t.Fatalf("the note on screen:\n%q\nwant:\n%q", got, note)
	}
	d.mustSee("Last change", "Actions       c show code", "History (", "> 2025-03-14")
	if n := strings.Count(d.view(), "\n") + 1; n != 24 {
		t.Fatalf("%d lines", n)
	}
}

func TestAuditEntryShowsALongNoteWhole(t *testing.T) {
	note := longNote(500)
	d := newDriver(t, suspendedWithNote(t, note), 80, 24)
	d.press("3", "/", "key.suspended", "enter", "enter")
	d.mustSee("Action        key suspended (key.suspended)", "Previous hash", "esc back")
	if got := noteOnScreen(t, d.view()); got != note {
		t.Fatalf("the note on screen:\n%q\nwant:\n%q", got, note)
	}
}

// On a screen too short for it, the note takes what is left and says it
// goes on; the fields under it stay.
func TestLongNoteIsCutOnlyWhenTheScreenIsShort(t *testing.T) {
	note := longNote(500)
	d := newDriver(t, suspendedWithNote(t, note), 60, 16)
	d.press("2", "/", "KD-0003", "enter", "enter")
	got := noteOnScreen(t, d.view())
	if !strings.HasSuffix(got, "…") || !strings.HasPrefix(note, strings.TrimSuffix(got, "…")) {
		t.Fatalf("the note on a short screen: %q", got)
	}
	d.mustSee("Last change", "Actions       c show code")
}
