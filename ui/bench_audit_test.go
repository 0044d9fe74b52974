package ui

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// settle runs a command of the Audit screen and gives it every message
// it answers (batches unpacked), as Bubble Tea would; the chain check,
// which runs beside the screen, is left out.
func settle(a *app, cmd tea.Cmd) {
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := c()
		if batch, ok := msg.(tea.BatchMsg); ok {
			queue = append(queue, batch...)
			continue
		}
		if strings.HasSuffix(typeName(msg), "verifyMsg") {
			continue
		}
		_, next := a.Update(msg)
		queue = append(queue, next)
	}
}

func typeName(v any) string { return strings.TrimPrefix(strings.TrimPrefix(fmtType(v), "*"), "audit.") }

// BenchmarkAuditSteps is an auditor on a trail of more than 100,000
// entries at 80x24: each step from the key to its screen drawn — the
// first entry of the trail (G), back to the newest (g), a date (d), a
// filter by actor (f), by an actor with no entry (the whole trail read),
// by a key — reported as its p50.
func BenchmarkAuditSteps(b *testing.B) {
	st := bigStore(b)
	a := loadedApp(b, st)
	a.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	a.Update(runeKey('3'))
	settle(a, a.audit.SetIndex(nil))
	if head, _ := st.AuditHead(); head.Seq < 100_000 {
		b.Fatalf("the trail has %d entries, want at least 100,000", head.Seq)
	}
	type step struct {
		name string
		keys []tea.KeyMsg
		want string
	}
	typed := func(s string) []tea.KeyMsg {
		var out []tea.KeyMsg
		for _, r := range s {
			out = append(out, runeKey(r))
		}
		return out
	}
	enter := tea.KeyMsg{Type: tea.KeyEnter}
	esc := tea.KeyMsg{Type: tea.KeyEsc}
	steps := []step{
		{"first", typed("G"), "entry 1 of"},
		{"newest", typed("g"), ""},
		{"date", append(append(typed("d"), typed("2025-06-01")...), enter), "from 2025-06-01 back"},
		{"actor", append(append(append([]tea.KeyMsg{esc}, typed("f")...), typed("device")...), enter), "filter: actor device"},
		// An actor with no entry at all: the whole trail read (the worst case).
		{"actor-none", append(append(append([]tea.KeyMsg{esc}, typed("f")...), typed("nobody-at-all")...), enter), "no entry matches"},
		{"key", append(append(append([]tea.KeyMsg{esc}, typed("f")...), append([]tea.KeyMsg{{Type: tea.KeyTab}, {Type: tea.KeyTab}}, typed("ST10100002310005")...)...), enter), "filter: key"},
	}
	times := make([][]time.Duration, len(steps))
	for b.Loop() {
		for i, s := range steps {
			start := time.Now()
			for _, k := range s.keys {
				_, cmd := a.Update(k)
				settle(a, cmd)
			}
			v := a.View()
			times[i] = append(times[i], time.Since(start))
			if s.want != "" && !strings.Contains(v, s.want) {
				b.Fatalf("step %s: %q not on screen:\n%s", s.name, s.want, v)
			}
		}
		_, cmd := a.Update(esc)
		settle(a, cmd)
	}
	for i, s := range steps {
		slices.Sort(times[i])
		b.ReportMetric(float64(times[i][len(times[i])/2].Microseconds())/1000, s.name+"-p50-ms")
	}
}

func fmtType(v any) string { return fmt.Sprintf("%T", v) }
