package serve

import (
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/log"
)

// handshakes are the connections that have not logged in yet. Holding one
// costs a stranger nothing (a byte every few seconds keeps a handshake
// going), so each has a deadline, the login grace time, and their number
// is capped per address and in all, as OpenSSH's LoginGraceTime and
// MaxStartups do.
//
// At a cap, the handshake least worth keeping is closed to make room,
// rather than the newcomer refused, so that a login under way keeps its
// place even at the address a stranger floods (it may be the admins' own):
//
//  1. one waiting out the delay of a refused key (see loginLimiter);
//  2. else the one the server has answered least: a login under way is
//     answered at every step, while a client that sends nothing, or
//     trickles bytes, gets nothing past the greeting every connection
//     gets (counted as had, so that one the busy server has not greeted
//     yet is not taken for less). What the server writes counts, not
//     what the client sends, which costs a stranger nothing to inflate;
//  3. else one whose client has sent nothing yet, read or still waiting
//     in the socket: a bare connect, or a silent one, rather than a
//     client that spoke and waits for a busy server;
//  4. else the oldest: it has had the longest to make progress, and a
//     login is a matter of milliseconds.
type handshakes struct {
	grace   time.Duration
	perHost int
	total   int
	log     *log.Logger
	dropped func(cause string) // metrics; set before the first connection

	mu     sync.Mutex
	byHost map[string][]*handshake
	count  int
}

// handshake is one connection that has not logged in yet.
type handshake struct {
	conn net.Conn // closing it ends the handshake
	host string
	from string // host:port, for the log

	started  time.Time
	raw      net.Conn     // the socket, to ask what is waiting in it
	waiting  atomic.Bool  // in the delay of a refused key
	answers  atomic.Int64 // writes of the server to it, the greeting first
	received atomic.Int64 // bytes the server has read from it

	timer *time.Timer
	ended bool // logged in, closed, or made to close; guarded by handshakes.mu
}

func newHandshakes(grace time.Duration, perHost, total int, logger *log.Logger) *handshakes {
	return &handshakes{grace: grace, perHost: perHost, total: total, log: logger, byHost: map[string][]*handshake{}}
}

// begin counts a new connection in, closing the one least worth keeping
// if a cap is reached, and starts its grace time. The returned connection
// counts what the server answers.
func (hs *handshakes) begin(conn, raw net.Conn) net.Conn {
	h := &handshake{conn: conn, raw: raw, host: hostOf(conn.RemoteAddr()), from: conn.RemoteAddr().String(), started: time.Now()}
	type closing struct {
		h      *handshake
		reason string
		cap    int
		cause  string
	}
	var closed []closing
	hs.mu.Lock()
	if len(hs.byHost[h.host]) >= hs.perHost {
		v := leastWorthKeeping(hs.byHost[h.host])
		hs.remove(v)
		closed = append(closed, closing{v, "too many connections not logged in from this address: closed the one least worth keeping", hs.perHost, dropPerHostCap})
	}
	if hs.count >= hs.total {
		v := leastWorthKeeping(hs.byHost[hs.busiestHost()])
		hs.remove(v)
		closed = append(closed, closing{v, "too many connections not logged in: closed the one least worth keeping, from the address with the most", hs.total, dropTotalCap})
	}
	hs.byHost[h.host] = append(hs.byHost[h.host], h)
	hs.count++
	h.timer = time.AfterFunc(hs.grace, func() { hs.graceOver(h) })
	hs.mu.Unlock()
	for _, c := range closed {
		hs.log.Warn(c.reason, "from", c.h.from, "cap", c.cap)
		hs.drop(c.cause)
		c.h.conn.Close()
	}
	return &handshakeConn{Conn: conn, h: h, hs: hs}
}

func (hs *handshakes) graceOver(h *handshake) {
	if hs.end(h) {
		hs.log.Warn("closed a connection that did not log in within the login grace time", "from", h.from, "grace", hs.grace)
		hs.drop(dropGrace)
		h.conn.Close()
	}
}

// end takes h out of the count; false if it was out already.
func (hs *handshakes) end(h *handshake) bool {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	if h.ended {
		return false
	}
	hs.remove(h)
	return true
}

// remove takes h out; hs.mu is held.
func (hs *handshakes) remove(h *handshake) {
	h.ended = true
	h.timer.Stop()
	list := hs.byHost[h.host]
	for i, x := range list {
		if x == h {
			list[i] = list[len(list)-1]
			list = list[:len(list)-1]
			break
		}
	}
	if len(list) == 0 {
		delete(hs.byHost, h.host)
	} else {
		hs.byHost[h.host] = list
	}
	hs.count--
}

// busiestHost is the address with the most handshakes; hs.mu is held.
func (hs *handshakes) busiestHost() string {
	busiest, most := "", 0
	for host, list := range hs.byHost {
		if len(list) > most {
			busiest, most = host, len(list)
		}
	}
	return busiest
}

// leastWorthKeeping is the handshake to close to make room (see
// handshakes).
func leastWorthKeeping(list []*handshake) *handshake {
	var worst *handshake
	for _, h := range list {
		if worst == nil || h.worthLessThan(worst) {
			worst = h
		}
	}
	return worst
}

func (h *handshake) worthLessThan(o *handshake) bool {
	if hw, ow := h.waiting.Load(), o.waiting.Load(); hw != ow {
		return hw
	}
	if ha, oa := h.answered(), o.answered(); ha != oa {
		return ha < oa
	}
	if hs, os := h.spoke(), o.spoke(); hs != os {
		return os
	}
	return h.started.Before(o.started)
}

// answered is how often the server wrote to it, the greeting counted
// whether written yet or not.
func (h *handshake) answered() int64 { return max(h.answers.Load(), 1) }

// spoke reports whether the client has sent anything, read or not yet.
func (h *handshake) spoke() bool { return h.received.Load() > 0 || unreadBytes(h.raw) > 0 }

// handshakeConn is a connection while and after it logs in.
type handshakeConn struct {
	net.Conn
	h  *handshake
	hs *handshakes
}

func (c *handshakeConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.h.received.Add(int64(n))
	return n, err
}

func (c *handshakeConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.h.answers.Add(1)
	return n, err
}

// waitingOutRefusal marks the connection as waiting out the delay of a
// refused key, until done is called.
func (c *handshakeConn) waitingOutRefusal() (done func()) {
	c.h.waiting.Store(true)
	return func() { c.h.waiting.Store(false) }
}

func (c *handshakeConn) Close() error {
	c.hs.end(c.h)
	return c.Conn.Close()
}

// loggedIn takes the connection of h out of the handshakes: from now on
// the idle timeout governs it.
func (hs *handshakes) loggedIn(conn *handshakeConn) { hs.end(conn.h) }
