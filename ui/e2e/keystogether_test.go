package e2e

import (
	"path/filepath"
	"testing"
)

// esc and q sent to the terminal together (tmux writes the two bytes at
// once, as a slow SSH link delivers them): on the help overlay the help
// closes and the program quits, as when the keys come one by one.
func TestEscAndQTogetherCloseTheHelpAndQuit(t *testing.T) {
	requireTools(t, "tmux")
	t.Parallel()
	db := filepath.Join(t.TempDir(), "keydesk.db")
	mustSucceed(t, keydesk(t, "--db", db, "demo", "--keys", "5", "--employees", "3"))

	s := startScreen(t, "TERM=xterm-256color NO_COLOR=1 "+shellLine(keydeskBin, "--db", db))
	s.waitFor("the Employees screen", showsAll("Employees", "3 of 3"))
	s.send("?")
	s.waitFor("the help", showsAll("Everywhere"))
	s.tmux("send-keys", "-t", s.name, "-H", "1b", "71") // ESC q
	if status := s.waitExit(); status != 0 {
		t.Fatalf("keydesk exited with status %d", status)
	}
}
