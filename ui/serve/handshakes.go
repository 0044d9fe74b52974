package serve

import (
	"bytes"
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
// At a cap, a newcomer waits its turn (see queue.go) rather than being
// closed, so that a burst of logins from one address (a provisioning
// script, an office behind one NAT) gets through. A handshake is closed
// to make room only when it has stopped being worth its place (see
// stalled); of those, the one least worth keeping:
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
	now     func() time.Time
	dropped func(cause string) // metrics; set before the first connection
	// banner is the server's version line as the SSH server sends it;
	// a waiter gets it at once (see greetEarly). nil: waiters wait silent.
	banner []byte

	mu     sync.Mutex
	byHost map[string][]*handshake
	count  int
	queue  queue // guarded by mu
}

// handshake is one connection that has not logged in yet.
type handshake struct {
	conn net.Conn // closing it ends the handshake
	host string
	from string // host:port, for the log

	started  time.Time // when it connected, its wait for a turn included
	admitted time.Time // when its turn came: the server greeted it
	raw      net.Conn  // the socket, to ask what is waiting in it
	// greeted is the banner already sent while it waited its turn; the
	// SSH server's own, its first write, is then not sent again.
	greeted    []byte
	waiting    atomic.Bool  // in the delay of a refused key
	answers    atomic.Int64 // writes of the server to it, the greeting first
	received   atomic.Int64 // bytes the server has read from it
	lastAnswer atomic.Int64 // when the server last wrote to it, unix nanoseconds
	// authenticating: the key exchange is done and the client has asked
	// to log in, which may wait on a person (see stalled).
	authenticating atomic.Bool

	timer *time.Timer
	ended bool // logged in, closed, or made to close; guarded by handshakes.mu
}

func newHandshakes(grace time.Duration, perHost, total int, logger *log.Logger) *handshakes {
	return &handshakes{grace: grace, perHost: perHost, total: total, log: logger, now: time.Now,
		byHost: map[string][]*handshake{}, queue: newQueue(perHost, total)}
}

// eviction is a handshake closed to make room, and why, for the log.
type eviction struct {
	h      *handshake
	reason string
	cap    int
	cause  string // as metrics name it
}

// begin counts a new connection in, once there is room for it: at once,
// or after closing a handshake that stopped being worth its place, or
// after waiting its turn. The returned connection counts what the server
// answers; nil when conn was closed instead (its wait was too long, or
// the queue too full).
func (hs *handshakes) begin(conn, raw net.Conn) net.Conn {
	w := newWaiter(conn, raw, hs.now())
	if h := hs.admitNow(w); h != nil {
		return h
	}
	// It will wait: greeted first, before the queue (where a turn may
	// come at once) can hand it to the SSH server, which greets too.
	hs.greetEarly(w)
	if h := hs.admitNow(w); h != nil {
		return h
	}
	hs.mu.Lock()
	dropped := hs.queue.add(w)
	wake := !hs.queue.pumping
	hs.queue.pumping = true
	hs.mu.Unlock()
	hs.closeDropped(dropped)
	if wake {
		go hs.pumpWhileQueued()
	}
	return hs.waitTurn(w)
}

// admitNow begins w's handshake if there is room now, else returns nil.
func (hs *handshakes) admitNow(w *waiter) net.Conn {
	hs.mu.Lock()
	var evicted []eviction
	if !hs.makeRoom(w.host, &evicted) {
		hs.mu.Unlock()
		return nil
	}
	h := hs.admit(w)
	hs.mu.Unlock()
	hs.closeEvicted(evicted)
	return &handshakeConn{Conn: w.conn, h: h, hs: hs}
}

// admit starts w's handshake and its grace time, what it waited counted
// in; hs.mu is held.
func (hs *handshakes) admit(w *waiter) *handshake {
	now := hs.now()
	h := &handshake{conn: w.conn, raw: w.raw, host: w.host, from: w.from, started: w.arrived, admitted: now, greeted: w.greeted}
	h.lastAnswer.Store(now.UnixNano())
	hs.byHost[h.host] = append(hs.byHost[h.host], h)
	hs.count++
	h.timer = time.AfterFunc(max(hs.grace-now.Sub(w.arrived), 0), func() { hs.graceOver(h) })
	return h
}

// makeRoom reports whether a handshake from host may start now, closing
// a stalled one at a cap if that makes room; hs.mu is held.
func (hs *handshakes) makeRoom(host string, evicted *[]eviction) bool {
	now := hs.now()
	if len(hs.byHost[host]) >= hs.perHost {
		v := leastWorthKeeping(stalledOf(hs.byHost[host], now))
		if v == nil {
			return false
		}
		hs.remove(v)
		*evicted = append(*evicted, eviction{v, "too many connections not logged in from this address: closed the one least worth keeping", hs.perHost, dropPerHostCap})
	}
	if hs.count >= hs.total {
		v := hs.stalledOfBusiest(now)
		if v == nil {
			return false
		}
		hs.remove(v)
		*evicted = append(*evicted, eviction{v, "too many connections not logged in: closed the one least worth keeping, from the address with the most", hs.total, dropTotalCap})
	}
	return true
}

func (hs *handshakes) closeEvicted(evicted []eviction) {
	for _, e := range evicted {
		hs.log.Warn(e.reason, "from", e.h.from, "cap", e.cap)
		hs.drop(e.cause)
		e.h.conn.Close()
	}
}

func (hs *handshakes) graceOver(h *handshake) {
	if hs.end(h) {
		hs.log.Warn("closed a connection that did not log in within the login grace time", "from", h.from, "grace", hs.grace)
		hs.drop(dropGrace)
		h.conn.Close()
	}
}

// end takes h out of the count; false if it was out already.
// Its place goes to the next waiter at once.
func (hs *handshakes) end(h *handshake) bool {
	hs.mu.Lock()
	if h.ended {
		hs.mu.Unlock()
		return false
	}
	hs.remove(h)
	evicted, gone := hs.pump()
	hs.mu.Unlock()
	hs.closeEvicted(evicted)
	hs.closeDropped(gone)
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

// stalledOfBusiest is the stalled handshake least worth keeping of the
// address with the most handshakes (of several with as many, of one that
// has a stalled one). nil if it has none: its logins are under way, and
// each will end soon, logged in or stalled; hs.mu is held.
func (hs *handshakes) stalledOfBusiest(now time.Time) *handshake {
	most := 0
	for _, list := range hs.byHost {
		most = max(most, len(list))
	}
	for _, list := range hs.byHost {
		if len(list) != most {
			continue
		}
		if v := leastWorthKeeping(stalledOf(list, now)); v != nil {
			return v
		}
	}
	return nil
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
	if b := c.h.greeted; b != nil {
		c.h.greeted = nil // the first write only, in the connection's goroutine
		if bytes.Equal(p, b) {
			c.h.answers.Add(1)
			c.h.lastAnswer.Store(c.hs.now().UnixNano())
			return len(p), nil
		}
	}
	n, err := c.Conn.Write(p)
	c.h.answers.Add(1)
	c.h.lastAnswer.Store(c.hs.now().UnixNano())
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
