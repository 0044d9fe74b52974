package serve

import (
	"github.com/charmbracelet/ssh"
)

// A terminal size is what the client says it is: up to 4294967295 cells
// each way in the protocol, 65535 from OpenSSH. Drawn as claimed, a
// screen that fills the terminal (the full help does) takes gigabytes,
// frame after frame. So the size is input like any other and bounded
// before anything sees it: far above any real screen, and small enough
// that a frame, at a few bytes a cell, stays within a few MiB.
const (
	maxTerminalWidth  = 1000
	maxTerminalHeight = 1000
)

// boundWindow is w within the bounds. A size of 0 (a client that does
// not know its size) stays 0: what the TUI does with that is its own
// business, and it costs nothing.
func boundWindow(w ssh.Window) ssh.Window {
	w.Width = clampDimension(w.Width, maxTerminalWidth)
	w.Height = clampDimension(w.Height, maxTerminalHeight)
	// Pixels are not used here; bounded anyway so no later reader is
	// surprised by them.
	w.WidthPixels = clampDimension(w.WidthPixels, maxTerminalWidth*64)
	w.HeightPixels = clampDimension(w.HeightPixels, maxTerminalHeight*64)
	return w
}

func clampDimension(n, most int) int {
	return min(max(n, 0), most)
}

// boundedTerminal is a session whose terminal size, at the start and at
// every window change, is bounded by boundWindow.
//
// Window changes are also coalesced: the session's request loop hands
// them on one at a time and waits for each to be taken, so a client
// sending them in a loop to a busy screen would hold up its own session's
// requests and keep a queue of sizes that are already out of date. Only
// the newest size waits here; the screen draws at that.
type boundedTerminal struct {
	ssh.Session
	changes <-chan ssh.Window
}

// boundTerminal wraps sess; a session without a terminal is returned as
// it is.
func boundTerminal(sess ssh.Session) ssh.Session {
	_, changes, ok := sess.Pty()
	if !ok || changes == nil {
		return sess
	}
	return &boundedTerminal{Session: sess, changes: newestWindow(changes)}
}

func (b *boundedTerminal) Pty() (ssh.Pty, <-chan ssh.Window, bool) {
	pty, _, ok := b.Session.Pty()
	pty.Window = boundWindow(pty.Window)
	return pty, b.changes, ok
}

// newestWindow takes every size from in as it comes and keeps only the
// newest, bounded, for the reader of the channel it returns; that channel
// is closed once in is.
func newestWindow(in <-chan ssh.Window) <-chan ssh.Window {
	out := make(chan ssh.Window, 1)
	go func() {
		defer close(out)
		for w := range in {
			w = boundWindow(w)
			// This goroutine is out's only sender: once the stale size
			// is taken out, the send cannot block.
			select {
			case out <- w:
			default:
				select {
				case <-out:
				default:
				}
				out <- w
			}
		}
	}()
	return out
}
