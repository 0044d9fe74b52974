package wizard

import (
	"fmt"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/model"
)

// BenchmarkKeySearch times one search keystroke on the Key page with
// 50,000 Ready keys: Update with a rune, then View. The rune starts a new
// search, so every key is looked at (a search that extends the previous
// one looks only at its matches, and is faster).
func BenchmarkKeySearch(b *testing.B) {
	h := newHarness(b)
	h.fillProfile(tJane)
	h.wantPage(pageKey)

	rows := make([]keyRow, 50_000)
	for i := range rows {
		rows[i] = newKeyRow(model.Key{
			Serial: fmt.Sprintf("SN%08d", i), Model: []string{"IPI Key 2", "IPI Key 3 NFC"}[i%2],
			Firmware: "3.1.0", RFID: fmt.Sprintf("%08X", i*7919),
		})
	}
	h.send(keysLoadedMsg{id: h.w.request, rows: rows})
	if got := len(h.w.picker.rows); got != 50_000 {
		b.Fatalf("%d keys loaded", got)
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
	if len(h.w.picker.matches) == 0 || len(h.w.picker.matches) == 50_000 {
		b.Fatalf("the search for 7 matched %d keys", len(h.w.picker.matches))
	}
}
