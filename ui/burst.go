package ui

import tea "github.com/charmbracelet/bubbletea"

// Bubble Tea v1 hands printable characters that arrive in one read to
// Update as one key message ("/ST1001"): over a slow SSH link, or when
// keys are typed faster than the screen answers. No binding matches such
// a message, so `/` and the text after it would be lost. splitBurst
// returns the characters as one key each (nil for an ordinary key, and for
// a paste, which text fields take whole).
func splitBurst(k tea.KeyMsg) []tea.KeyMsg {
	if k.Type != tea.KeyRunes || k.Paste || len(k.Runes) < 2 {
		return nil
	}
	keys := make([]tea.KeyMsg, len(k.Runes))
	for i, r := range k.Runes {
		keys[i] = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: k.Alt}
	}
	return keys
}

// handleBurst handles the characters of a burst in order, as if typed one
// by one; a screen that a key opens (a search line) takes the rest.
func (a *app) handleBurst(keys []tea.KeyMsg) tea.Cmd {
	cmds := make([]tea.Cmd, 0, len(keys))
	for _, k := range keys {
		cmds = append(cmds, a.handleKey(k))
		a.layout()
	}
	return tea.Sequence(cmds...)
}
