package ui

import tea "github.com/charmbracelet/bubbletea"

// Keys that arrive in one read (over a slow SSH link, or typed faster than
// the screen answers) come from Bubble Tea v1 as one key message that no
// binding matches:
//
//   - printable characters together are one message ("/ST1001"), so `/`
//     and the text after it would be lost;
//   - esc and the key after it are that key with alt ("alt+q"): on the
//     help, esc then q left the help open and the program running.
//
// keydesk binds no alt key anywhere (TestNoKeyIsBoundWithAlt), so an alt
// key is always esc, then the key. Bubble Tea reads a real alt+key (where
// a terminal sends alt as esc) the same way, and it becomes the same two
// keys; the text fields' word keys with alt have ctrl twins (ctrl+w,
// ctrl+left, ctrl+right) that stay.
//
// splitKeys returns the keys one message stands for, in order, or nil
// when it is one ordinary key. A paste stays whole: text fields take it
// at once.
func splitKeys(k tea.KeyMsg) []tea.KeyMsg {
	if k.Alt && !k.Paste {
		plain := k
		plain.Alt = false
		rest := splitKeys(plain)
		if rest == nil {
			rest = []tea.KeyMsg{plain}
		}
		return append([]tea.KeyMsg{{Type: tea.KeyEsc}}, rest...)
	}
	if k.Type != tea.KeyRunes || k.Paste || len(k.Runes) < 2 {
		return nil
	}
	keys := make([]tea.KeyMsg, len(k.Runes))
	for i, r := range k.Runes {
		keys[i] = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}}
	}
	return keys
}

// handleKeys handles keys in order, as if typed one by one: a screen or a
// layer that one key opens or closes is in place for the next.
func (a *app) handleKeys(keys []tea.KeyMsg) tea.Cmd {
	cmds := make([]tea.Cmd, 0, len(keys))
	for _, k := range keys {
		cmds = append(cmds, a.handleKey(k))
		a.layout()
	}
	return tea.Sequence(cmds...)
}
