package serve

import (
	"sync"
	"time"
)

// loginLimiter shuts out a host that failed to log in too often lately,
// so that guessing keys from one address is slow. A failed login is a
// connection that ended without authenticating (one connection already
// tries at most a handful of keys).
type loginLimiter struct {
	now      func() time.Time
	maxFails int           // failures within window that shut a host out
	window   time.Duration // how far back failures count
	shutOut  time.Duration // how long a host stays refused

	mu    sync.Mutex
	hosts map[string]*hostFailures
}

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

// Allow reports whether host may try to log in now.
func (l *loginLimiter) Allow(host string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	h := l.hosts[host]
	return h == nil || !l.now().Before(h.refusedUntil)
}

// Failed records a failed login; it reports whether the host is now shut
// out.
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
	h.times = append(l.recent(h.times, now), now)
	if len(h.times) < l.maxFails {
		return false
	}
	h.times = nil
	h.refusedUntil = now.Add(l.shutOut)
	return true
}

// Succeeded forgets the host's failures: an admin who fumbled a key and
// then got in is not held to them.
func (l *loginLimiter) Succeeded(host string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.hosts, host)
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
