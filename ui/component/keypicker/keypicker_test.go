package keypicker

import (
	"io"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/component/styles"
)

// The one rule: serial, MAC (with or without colons), model and RFID, any
// case, the query as one phrase; never the firmware.
func TestMatchesSerialMACModelRFID(t *testing.T) {
	k := NewKey(model.Key{Serial: "ST-1001", MAC: "D0:7E:00:01:02:03", Model: "IPI Key 4 NFC", Firmware: "4.2.1", RFID: "3A00001F0F"})
	for query, want := range map[string]bool{
		"st-10":         true,  // serial
		"d0:7e":         true,  // MAC as written
		"d07e0001":      true,  // MAC without its colons
		"key 4 nfc":     true,  // model, a phrase
		"nfc st-1001":   false, // a phrase, not words from two fields
		"3a00001f":      true,  // RFID
		"4.2.1":         false, // firmware is not searched
		"st-1001 other": false, // every word must match
	} {
		if got := k.Matches(query); got != want {
			t.Errorf("Matches(%q) = %v, want %v", query, got, want)
		}
	}
}

// Typing narrows the list and puts the cursor on the first match; without
// a none line, enter's choice is that match.
func TestTypingSelectsTheFirstMatch(t *testing.T) {
	st := styles.New(lipgloss.NewRenderer(io.Discard))
	p := New(st, "")
	p.SetSize(80, 20)
	p.Focus()
	p.SetRows([]Key{
		NewKey(model.Key{Serial: "A-1", MAC: "AA:00:00:00:00:01"}),
		NewKey(model.Key{Serial: "B-2", MAC: "AA:00:00:00:00:02"}),
	}, "")
	if k := p.Selected(); k == nil || k.Serial != "A-1" {
		t.Fatalf("selected %+v before a search, want A-1", k)
	}
	for _, r := range "aa0000000002" {
		p.UpdateSearch(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	if k := p.Selected(); k == nil || k.Serial != "B-2" {
		t.Fatalf("selected %+v after searching the MAC, want B-2", k)
	}
	if view := p.View(); !strings.Contains(view, "2 Ready keys, 1 matches") {
		t.Errorf("count line missing:\n%s", view)
	}
}
