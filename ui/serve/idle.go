package serve

import (
	"net"
	"time"
)

// idleConn closes a connection over which the client has sent nothing
// for the idle timeout. Only reads move the deadline: the SSH server's own
// idle timeout (wish.WithIdleTimeout) counts writes too, so a screen
// redrawn by other admins' changes kept an abandoned session open for
// ever. What the client sends includes its protocol traffic: keystrokes,
// keepalives, and the window adjustments that acknowledge a long
// download, so a backup streaming to a slow client is not cut off.
type idleConn struct {
	net.Conn
	timeout time.Duration
}

func withIdleTimeout(c net.Conn, timeout time.Duration) net.Conn {
	if timeout <= 0 || c == nil {
		return c
	}
	return &idleConn{Conn: c, timeout: timeout}
}

func (c *idleConn) Read(p []byte) (int, error) {
	if err := c.Conn.SetReadDeadline(time.Now().Add(c.timeout)); err != nil {
		return 0, err
	}
	return c.Conn.Read(p)
}

// SetDeadline keeps the read deadline to Read: the SSH server clears the
// deadline at every read and write (its own idle timeout being off), and
// a write clearing it while a read waits would undo the timeout.
func (c *idleConn) SetDeadline(t time.Time) error { return c.Conn.SetWriteDeadline(t) }

// SetReadDeadline is Read's alone, for the same reason.
func (c *idleConn) SetReadDeadline(time.Time) error { return nil }
