package serve

import (
	"net"
	"runtime"
	"testing"
	"time"
)

// The order in which handshakes are closed to make room (see handshakes).
func TestLeastWorthKeeping(t *testing.T) {
	t0 := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	mk := func(name string, age time.Duration, answers int64, read int64, waiting bool) *handshake {
		h := &handshake{from: name, started: t0.Add(-age)}
		h.answers.Store(answers)
		h.received.Store(read)
		h.waiting.Store(waiting)
		return h
	}
	for _, c := range []struct {
		want string
		list []*handshake
	}{
		{"tarpit", []*handshake{mk("greeted", time.Second, 1, 0, false), mk("tarpit", 0, 9, 900, true), mk("login", 0, 5, 900, false)}},
		{"greeted", []*handshake{mk("login", time.Second, 5, 900, false), mk("greeted", 0, 1, 14, false)}},
		// Not greeted yet by a busy server counts as greeted.
		{"silent", []*handshake{mk("not yet greeted", 0, 0, 12, false), mk("silent", 0, 1, 0, false)}},
		{"older", []*handshake{mk("newer", time.Millisecond, 1, 3, false), mk("older", time.Second, 1, 3, false)}},
		{"older", []*handshake{mk("older", time.Second, 2, 0, false), mk("newer", 0, 2, 0, false)}},
	} {
		if got := leastWorthKeeping(c.list).from; got != c.want {
			t.Errorf("closed %q, want %q", got, c.want)
		}
	}
}

// A client that spoke is seen to have, even before the server read it.
func TestSpokeCountsWhatWaitsInTheSocket(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("unread bytes are known on Linux only")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	server, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	h := &handshake{raw: server}
	if h.spoke() {
		t.Fatal("a client that sent nothing spoke")
	}
	client.Write([]byte("SSH-2.0-Go\r\n"))
	deadline := time.Now().Add(5 * time.Second)
	for !h.spoke() {
		if time.Now().After(deadline) {
			t.Fatal("the unread version line is not seen")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
