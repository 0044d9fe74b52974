package cluster

import (
	"crypto/tls"
	"sync"
	"time"
)

// forwardPool keeps a follower's forwarding connections to the leader
// open between requests (the server side already serves many requests
// on one connection): a fresh mutual-TLS handshake for every forwarded
// write cost more CPU than the write (about 2 ms of both nodes' CPU on
// a 2-core machine, measured by BenchmarkClusterWrite's profile).
type forwardPool struct {
	mu     sync.Mutex
	idle   map[string][]pooledConn
	closed bool
}

type pooledConn struct {
	conn  *tls.Conn
	since time.Time
}

const (
	// maxIdleForward bounds the idle connections kept per leader.
	maxIdleForward = 16
	// forwardIdleFor is how long an idle connection is reused: well below
	// the 5 minutes after which the leader closes it.
	forwardIdleFor = time.Minute
)

// get returns an idle connection to addr, or nil.
func (f *forwardPool) get(addr string) *tls.Conn {
	f.mu.Lock()
	defer f.mu.Unlock()
	for list := f.idle[addr]; len(list) > 0; list = f.idle[addr] {
		c := list[len(list)-1]
		f.idle[addr] = list[:len(list)-1]
		if time.Since(c.since) < forwardIdleFor {
			return c.conn
		}
		c.conn.Close()
	}
	return nil
}

// put keeps conn for the next request to addr (or closes it).
func (f *forwardPool) put(addr string, conn *tls.Conn) {
	conn.SetDeadline(time.Time{})
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed || len(f.idle[addr]) >= maxIdleForward {
		conn.Close()
		return
	}
	if f.idle == nil {
		f.idle = map[string][]pooledConn{}
	}
	f.idle[addr] = append(f.idle[addr], pooledConn{conn, time.Now()})
}

// closeAll closes every idle connection; later ones are not kept.
func (f *forwardPool) closeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	for _, list := range f.idle {
		for _, c := range list {
			c.conn.Close()
		}
	}
	f.idle = nil
}
