package serve

import (
	"cmp"
	"net"
	"slices"
	"time"
)

// A connection that finds the handshakes at a cap waits its turn here,
// greeted with the server's version line and nothing more: it costs a
// socket and a sleeping goroutine, not a handshake. A turn is given when a handshake
// ends (logged in, gone, out of time) or stalls (see stalled), to the
// waiter most likely to log in at once: one whose client has sent its
// whole version line (every SSH client sends it on connecting, a
// trickling stranger never finishes it), then the one that has waited
// longest. Waiting counts in the login grace time.
//
// The queue is bounded too, per address and in all: past a bound, the
// waiter least likely to log in is closed (one whose client already
// left, then one that has sent nothing, then part of a line; of equals,
// the oldest).

// The queue's bounds, as multiples of the handshake caps: a burst of
// forty logins from one address waits whole behind the ten it may run.
const (
	queuePerHostFactor = 8
	queueTotalFactor   = 4
)

// pumpEvery is how often the waiters are looked at while any wait: for
// handshakes that stalled, and clients that left.
const pumpEvery = 50 * time.Millisecond

// How long a handshake may go without progress before a waiter may take
// its place (see stalled).
const (
	// greetPatience: a client sends its version line as it connects.
	greetPatience = 500 * time.Millisecond
	// kexPatience: the key exchange is machines talking.
	kexPatience = 2 * time.Second
	// authPatience: logging in may wait on a person, a hardware key's
	// touch or a passphrase.
	authPatience = 10 * time.Second
)

// greeting is what a client has sent, as far as the socket tells.
type greeting int

const (
	greetingClosed  greeting = iota // the client closed the connection
	greetingNone                    // nothing yet
	greetingUnknown                 // cannot be told here
	greetingPart                    // part of a line
	greetingLine                    // a whole line: its version
)

// stalled says whether h has stopped being worth its place: it waits out
// a refused key's delay, or its client never finished its version line,
// or the server has had nothing to answer it for too long.
func stalled(h *handshake, now time.Time) bool {
	quiet := now.Sub(time.Unix(0, h.lastAnswer.Load()))
	switch {
	case h.waiting.Load():
		return true
	case h.answered() <= 1:
		return now.Sub(h.admitted) > greetPatience && peekGreeting(h.raw) != greetingLine
	case h.authenticating.Load():
		return quiet > authPatience
	default:
		return quiet > kexPatience
	}
}

func stalledOf(list []*handshake, now time.Time) []*handshake {
	var out []*handshake
	for _, h := range list {
		if stalled(h, now) {
			out = append(out, h)
		}
	}
	return out
}

// waiter is a connection waiting its turn.
type waiter struct {
	conn, raw  net.Conn
	host, from string
	arrived    time.Time
	greeted    []byte // the banner it was sent while waiting, if any
	// place gets the handshake begun for it, or nil if it was closed
	// instead; exactly once, as it leaves the queue.
	place chan *handshake
}

func newWaiter(conn, raw net.Conn, now time.Time) *waiter {
	return &waiter{conn: conn, raw: raw, host: hostOf(conn.RemoteAddr()), from: conn.RemoteAddr().String(),
		arrived: now, place: make(chan *handshake, 1)}
}

// dropped is a waiter closed, and why, for the log ("" when its client
// had left).
type dropped struct {
	w      *waiter
	reason string
	cap    int
	cause  string // as metrics name it; "" with reason
}

type queue struct {
	perHost, total int
	byHost         map[string][]*waiter
	n              int
	pumping        bool
}

func newQueue(perHostCap, totalCap int) queue {
	return queue{perHost: perHostCap * queuePerHostFactor, total: totalCap * queueTotalFactor, byHost: map[string][]*waiter{}}
}

func (q *queue) len() int { return q.n }

// add queues w, closing the waiter least likely to log in if a bound is
// passed (which may be w itself).
func (q *queue) add(w *waiter) []dropped {
	q.byHost[w.host] = append(q.byHost[w.host], w)
	q.n++
	var out []dropped
	if len(q.byHost[w.host]) > q.perHost {
		v := leastLikely(q.byHost[w.host])
		q.remove(v)
		out = append(out, dropped{v, "too many connections waiting to log in from this address: closed the one least likely to", q.perHost, dropPerHostCap})
	}
	if q.n > q.total {
		v := leastLikely(q.byHost[q.longestHost()])
		q.remove(v)
		out = append(out, dropped{v, "too many connections waiting to log in: closed the one least likely to, from the address with the most", q.total, dropTotalCap})
	}
	return out
}

// remove takes w out; false if it was out already.
func (q *queue) remove(w *waiter) bool {
	list := q.byHost[w.host]
	i := slices.Index(list, w)
	if i < 0 {
		return false
	}
	list = slices.Delete(list, i, i+1)
	if len(list) == 0 {
		delete(q.byHost, w.host)
	} else {
		q.byHost[w.host] = list
	}
	q.n--
	return true
}

func (q *queue) longestHost() string {
	longest, most := "", 0
	for host, list := range q.byHost {
		if len(list) > most {
			longest, most = host, len(list)
		}
	}
	return longest
}

// leastLikely is the waiter least likely to log in.
func leastLikely(list []*waiter) *waiter {
	ranked := rankWaiters(list)
	return ranked[len(ranked)-1].w
}

type rankedWaiter struct {
	w *waiter
	g greeting
}

// rankWaiters orders waiters from the most likely to log in to the least.
func rankWaiters(list []*waiter) []rankedWaiter {
	ranked := make([]rankedWaiter, len(list))
	for i, w := range list {
		ranked[i] = rankedWaiter{w, peekGreeting(w.raw)}
	}
	slices.SortStableFunc(ranked, func(a, b rankedWaiter) int {
		if c := cmp.Compare(b.g, a.g); c != 0 {
			return c
		}
		// Of equals the oldest first: to admit, it has waited longest;
		// to close, it has had longest to speak.
		return a.w.arrived.Compare(b.w.arrived)
	})
	return ranked
}

// greetEarly sends a waiter the server's version line at once, as the
// SSH server would have: a client gives up on a server that does not
// greet it within its connect timeout (OpenSSH's ConnectTimeout covers
// the banner), and a burst may wait longer than that. The SSH server's
// own greeting is then swallowed (handshakeConn.Write).
func (hs *handshakes) greetEarly(w *waiter) {
	if hs.banner == nil {
		return
	}
	w.conn.SetWriteDeadline(time.Now().Add(time.Second))
	if _, err := w.conn.Write(hs.banner); err == nil {
		w.greeted = hs.banner
	}
	w.conn.SetWriteDeadline(time.Time{})
}

// waitTurn waits until w is given a handshake, or closed, or out of time.
func (hs *handshakes) waitTurn(w *waiter) net.Conn {
	timer := time.NewTimer(max(hs.grace-hs.now().Sub(w.arrived), 0))
	defer timer.Stop()
	var h *handshake
	select {
	case h = <-w.place:
	case <-timer.C:
		hs.mu.Lock()
		out := hs.queue.remove(w)
		hs.mu.Unlock()
		if out {
			hs.log.Warn("closed a connection that waited its turn to log in for the whole login grace time", "from", w.from, "grace", hs.grace)
			w.conn.Close()
			return nil
		}
		h = <-w.place // given its turn, or closed, just now
	}
	if h == nil {
		return nil
	}
	return &handshakeConn{Conn: w.conn, h: h, hs: hs}
}

// pump gives turns while there is room, closing stalled handshakes to
// make some, and drops the waiters whose clients left; hs.mu is held.
// What it closes is closed by the caller, once hs.mu is released.
func (hs *handshakes) pump() (evicted []eviction, gone []dropped) {
	for host, list := range hs.queue.byHost {
		ranked := rankWaiters(list)
		// The clients that left are last in rank: gone before any turn.
		for len(ranked) > 0 && ranked[len(ranked)-1].g == greetingClosed {
			w := ranked[len(ranked)-1].w
			ranked = ranked[:len(ranked)-1]
			hs.queue.remove(w)
			gone = append(gone, dropped{w: w})
		}
		for _, r := range ranked {
			if !hs.makeRoom(host, &evicted) {
				break
			}
			hs.queue.remove(r.w)
			r.w.place <- hs.admit(r.w)
		}
	}
	return evicted, gone
}

// pumpWhileQueued pumps every pumpEvery until nobody waits.
func (hs *handshakes) pumpWhileQueued() {
	tick := time.NewTicker(pumpEvery)
	defer tick.Stop()
	for range tick.C {
		hs.mu.Lock()
		evicted, gone := hs.pump()
		done := hs.queue.len() == 0
		if done {
			hs.queue.pumping = false
		}
		hs.mu.Unlock()
		hs.closeEvicted(evicted)
		hs.closeDropped(gone)
		if done {
			return
		}
	}
}

func (hs *handshakes) closeDropped(ds []dropped) {
	for _, d := range ds {
		if d.reason != "" {
			hs.log.Warn(d.reason, "from", d.w.from, "cap", d.cap)
			hs.drop(d.cause)
		}
		d.w.place <- nil
		d.w.conn.Close()
	}
}
