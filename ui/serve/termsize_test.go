package serve

import (
	"testing"

	"github.com/charmbracelet/ssh"
)

func TestWindowSizesAreBounded(t *testing.T) {
	for _, tc := range []struct{ in, want ssh.Window }{
		{ssh.Window{Width: 80, Height: 24}, ssh.Window{Width: 80, Height: 24}},
		{ssh.Window{Width: 0, Height: 0}, ssh.Window{Width: 0, Height: 0}},
		{ssh.Window{Width: 1000, Height: 1000}, ssh.Window{Width: 1000, Height: 1000}},
		{ssh.Window{Width: 65535, Height: 65535}, ssh.Window{Width: maxTerminalWidth, Height: maxTerminalHeight}},
		{ssh.Window{Width: 4294967295, Height: 4294967295, WidthPixels: 4294967295}, ssh.Window{Width: maxTerminalWidth, Height: maxTerminalHeight, WidthPixels: maxTerminalWidth * 64}},
		{ssh.Window{Width: -1, Height: 30}, ssh.Window{Width: 0, Height: 30}},
	} {
		if got := boundWindow(tc.in); got != tc.want {
			t.Errorf("boundWindow(%+v) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

// A client sending window changes faster than its screen takes them does
// not queue them: the screen gets the newest, bounded, and the sender
// never waits.
func TestWindowChangesKeepOnlyTheNewest(t *testing.T) {
	in := make(chan ssh.Window)
	out := newestWindow(in)
	for i := 1; i <= 10000; i++ {
		in <- ssh.Window{Width: i, Height: 4294967295}
	}
	close(in)
	var got []ssh.Window
	for w := range out {
		got = append(got, w)
	}
	if len(got) == 0 || len(got) > 2 {
		t.Fatalf("the reader got %d sizes of 10000 sent unread, want the newest only (1, or 2 if it raced)", len(got))
	}
	if last := got[len(got)-1]; last != (ssh.Window{Width: maxTerminalWidth, Height: maxTerminalHeight}) {
		t.Errorf("the newest size arrived as %+v, want it bounded to %dx%d", last, maxTerminalWidth, maxTerminalHeight)
	}
}
