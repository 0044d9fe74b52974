package serve

import (
	"sync"
	"time"
)

// loginLimiter slows down an address that failed to authenticate too
// often lately. A failure is a key (or a password) a client tried and the
// server refused: never a connection that closed early, which is what a
// TCP health check or a port scan does. A shut-out address is not
// refused: it may share a host or a NAT with the admins, and a client that
// proves an authorised key always gets in. What it loses is speed: every
// key of its that is refused is answered only after refusalDelay, so
// guessing from it is slow, and its refusals are no longer logged one by
// one.
type loginLimiter struct {
	now      func() time.Time
	maxFails int           // failures within window that shut a host out
	window   time.Duration // how far back failures count
	shutOut  time.Duration // how long a host stays slowed

	mu    sync.Mutex
	hosts map[string]*hostFailures
}

// refusalDelay is how long a shut-out address waits for each refusal.
const refusalDelay = time.Second

type hostFailures struct {
	times        []time.Time // recent failures, oldest first, at most maxFails
	refusedUntil time.Time
}

// maxTrackedHosts bounds memory under a flood from many addresses: beyond
// it, hosts with nothing recent are forgotten.
const maxTrackedHosts = 4096

func newLoginLimiter(now func() time.Time) *loginLimiter {
	return &loginLimiter{
		now:      now,
		maxFails: 5,
		window:   time.Minute,
		shutOut:  5 * time.Minute,
		hosts:    map[string]*hostFailures{},
	}
}

// ShutOut reports whether host is shut out now.
func (l *loginLimiter) ShutOut(host string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	h := l.hosts[host]
	return h != nil && l.now().Before(h.refusedUntil)
}

// Failed records a failed authentication; it reports whether this one
// shut the host out. Failures while shut out do not count.
func (l *loginLimiter) Failed(host string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	h := l.hosts[host]
	if h == nil {
		if len(l.hosts) >= maxTrackedHosts {
			l.forgetQuiet(now)
		}
		h = &hostFailures{}
		l.hosts[host] = h
	}
	if now.Before(h.refusedUntil) {
		return false
	}
	h.times = append(l.recent(h.times, now), now)
	if len(h.times) < l.maxFails {
		return false
	}
	h.times = nil
	h.refusedUntil = now.Add(l.shutOut)
	return true
}

// Succeeded forgets the host's failures: an admin who fumbled a key and
// then got in is not held to them. A shut-out goes on: a stranger at the
// same address is not let off by an admin's login.
func (l *loginLimiter) Succeeded(host string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	h := l.hosts[host]
	switch {
	case h == nil:
	case l.now().Before(h.refusedUntil):
		h.times = nil
	default:
		delete(l.hosts, host)
	}
}

// recent drops the failures older than the window.
func (l *loginLimiter) recent(times []time.Time, now time.Time) []time.Time {
	for len(times) > 0 && now.Sub(times[0]) >= l.window {
		times = times[1:]
	}
	return times
}

func (l *loginLimiter) forgetQuiet(now time.Time) {
	for host, h := range l.hosts {
		if len(l.recent(h.times, now)) == 0 && !now.Before(h.refusedUntil) {
			delete(l.hosts, host)
		}
	}
}
