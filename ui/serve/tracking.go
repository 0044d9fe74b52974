package serve

import (
	"errors"
	"net"
	"sync"
	"time"
)

// sessionTracker knows which sessions are open, so that shutdown can wait
// for them, and refuses new ones once shutdown has begun or when max are
// open.
type sessionTracker struct {
	max      int
	mu       sync.Mutex
	stopping bool
	open     int
	all      sync.WaitGroup
	screens  sync.WaitGroup // the sessions showing the TUI
}

var (
	errStopping        = errors.New("keydesk serve is stopping: try again in a moment")
	errTooManySessions = errors.New("keydesk serve has too many sessions open: try again later")
)

// begin counts a new session in, or says why not.
func (t *sessionTracker) begin(screen bool) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopping {
		return errStopping
	}
	if t.open >= t.max {
		return errTooManySessions
	}
	t.open++
	t.all.Add(1)
	if screen {
		t.screens.Add(1)
	}
	return nil
}

func (t *sessionTracker) end(screen bool) {
	t.mu.Lock()
	t.open--
	t.mu.Unlock()
	if screen {
		t.screens.Done()
	}
	t.all.Done()
}

// stop refuses new sessions from now on and returns how many are open.
func (t *sessionTracker) stop() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stopping = true
	return t.open
}

func (t *sessionTracker) count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.open
}

// waitFor waits until wg is done or d has passed; it reports whether wg
// is done.
func waitFor(wg *sync.WaitGroup, d time.Duration) bool {
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-done:
		return true
	case <-timer.C:
		return false
	}
}

// connSet holds every open connection, including those still in the
// handshake (which the SSH server does not track), so that shutdown can
// close them all.
type connSet struct {
	mu     sync.Mutex
	conns  map[*trackedConn]struct{}
	closed bool
}

type trackedConn struct {
	net.Conn
	set *connSet
}

func (c *trackedConn) Close() error {
	c.set.mu.Lock()
	delete(c.set.conns, c)
	c.set.mu.Unlock()
	return c.Conn.Close()
}

// add tracks c; nil (c closed) once closeAll has run.
func (s *connSet) add(c net.Conn) net.Conn {
	tc := &trackedConn{Conn: c, set: s}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		c.Close()
		return nil
	}
	if s.conns == nil {
		s.conns = map[*trackedConn]struct{}{}
	}
	s.conns[tc] = struct{}{}
	return tc
}

func (s *connSet) closeAll() {
	s.mu.Lock()
	conns := s.conns
	s.conns = nil
	s.closed = true
	s.mu.Unlock()
	for c := range conns {
		c.Conn.Close()
	}
}
