package serve

import (
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/log"
)

// A connection that waits its turn for the whole login grace time is
// closed, saying so; its wait counts in that time.
func TestWaitingCountsInTheLoginGraceTime(t *testing.T) {
	var logged strings.Builder
	hs := newHandshakes(time.Minute, 1, 10, log.New(&logged))
	holderConn, holderPeer := tcpPair(t)
	if hs.begin(holderConn, holderConn) == nil {
		t.Fatal("the first connection was not let in")
	}
	hs.grace = 200 * time.Millisecond // the newcomer's, shorter than the holder's stall
	hs.banner = []byte("SSH-2.0-test\r\n")
	waitingConn, waitingPeer := tcpPair(t)
	waitingPeer.Write([]byte("SSH-2.0-waiting\r\n"))
	got := make(chan net.Conn, 1)
	go func() { got <- hs.begin(waitingConn, waitingConn) }()
	// Greeted at once, as it starts to wait.
	waitingPeer.SetReadDeadline(time.Now().Add(5 * time.Second))
	greeting := make([]byte, len(hs.banner))
	if _, err := io.ReadFull(waitingPeer, greeting); err != nil || string(greeting) != string(hs.banner) {
		t.Errorf("the newcomer was sent %q (%v) as it started to wait, want the server's version line", greeting, err)
	}
	select {
	case c := <-got:
		if c != nil {
			t.Fatal("the newcomer was let in while the place was held by a handshake not stalled")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the newcomer still waits after its grace time")
	}
	waitingPeer.SetReadDeadline(time.Now().Add(5 * time.Second))
	// Closed with its version line unread: a reset, or an end.
	if _, err := io.Copy(io.Discard, waitingPeer); errors.Is(err, os.ErrDeadlineExceeded) {
		t.Error("the newcomer's connection was not closed")
	}
	if !strings.Contains(logged.String(), "waited its turn to log in for the whole login grace time") {
		t.Errorf("the log does not say why:\n%s", logged.String())
	}
	holderPeer.Close()
}

// tcpPair is a loopback connection: the server's side and the client's.
func tcpPair(t *testing.T) (server, client net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server, err = ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { server.Close(); client.Close() })
	return server, client
}
