package wizard

import (
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/component/keypicker"
)

// BenchmarkKeySearch times one search keystroke on the Key page with
// 50,000 Ready keys: Update with a rune, then View. The rune starts a new
// search, so every key is looked at (a search that extends the previous
// one looks only at its matches, and is faster).
func BenchmarkKeySearch(b *testing.B) {
	h := newHarness(b)
	h.fillProfile(tJane)
	h.wantPage(pageKey)

	rows := make([]keypicker.Key, 50_000)
	for i := range rows {
		rows[i] = keypicker.NewKey(model.Key{
			Serial: fmt.Sprintf("SN%08d", i), Model: []string{"IPI Key 2", "IPI Key 3 NFC"}[i%2],
			Firmware: "3.1.0", RFID: fmt.Sprintf("%08X", i*7919),
		})
	}
	h.send(keysLoadedMsg{id: h.w.request, rows: rows})
	if view := h.w.View(); !strings.Contains(view, "50,000 Ready keys") {
		b.Fatalf("the 50,000 keys are not loaded:\n%s", view)
	}

	seven := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'7'}}
	backspace := tea.KeyMsg{Type: tea.KeyBackspace}
	for b.Loop() {
		h.w.Update(seven)
		_ = h.w.View()

		b.StopTimer()
		h.w.Update(backspace)
		b.StartTimer()
	}
	b.StopTimer()
	h.w.Update(seven)
	if view := h.w.View(); strings.Contains(view, "none match") || strings.Contains(view, "50,000 match") {
		b.Fatalf("the search for 7 matched none or all:\n%s", view)
	}
}
