package serve

import (
	"bytes"
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

// unreadBytes is how many bytes the client has sent that the server has
// not read yet: a client that connected and spoke is in progress even
// before a busy server gets round to it. 0 when it cannot be told.
func unreadBytes(c net.Conn) int {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return 0
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return 0
	}
	n := 0
	raw.Control(func(fd uintptr) {
		n, _ = unix.IoctlGetInt(int(fd), unix.SIOCINQ)
	})
	return n
}

// peekGreeting tells what the client has sent that the server has not
// read yet, without taking it: nothing, part of a line, a whole line (an
// SSH client's version, which every client sends at once), or the end of
// the connection (the client closed it).
func peekGreeting(c net.Conn) greeting {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return greetingUnknown
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return greetingClosed
	}
	var buf [256]byte
	g := greetingUnknown
	cerr := raw.Control(func(fd uintptr) {
		n, _, err := unix.Recvfrom(int(fd), buf[:], unix.MSG_PEEK|unix.MSG_DONTWAIT)
		switch {
		case err == unix.EAGAIN || err == unix.EWOULDBLOCK:
			g = greetingNone
		case err != nil:
			g = greetingClosed
		case n == 0:
			g = greetingClosed
		case bytes.IndexByte(buf[:n], '\n') >= 0:
			g = greetingLine
		default:
			g = greetingPart
		}
	})
	if cerr != nil {
		return greetingClosed
	}
	return g
}
