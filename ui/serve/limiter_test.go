package serve

import (
	"fmt"
	"testing"
	"time"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func TestLoginLimiter(t *testing.T) {
	clock := &fakeClock{t: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
	l := newLoginLimiter(clock.now)

	for i := 1; i < 5; i++ {
		if l.Failed("10.0.0.1") {
			t.Fatalf("shut out after %d failures, want 5", i)
		}
		if l.ShutOut("10.0.0.1") {
			t.Fatalf("shut out after %d failures, want 5", i)
		}
		clock.advance(10 * time.Second)
	}
	if !l.Failed("10.0.0.1") {
		t.Fatal("5 failures within a minute did not shut the host out")
	}
	if !l.ShutOut("10.0.0.1") {
		t.Fatal("the shut-out does not show")
	}
	if l.ShutOut("10.0.0.2") {
		t.Fatal("another host was shut out too")
	}

	clock.advance(5*time.Minute - time.Second)
	if !l.ShutOut("10.0.0.1") {
		t.Fatal("the shut-out ended before its time")
	}
	clock.advance(time.Second)
	if l.ShutOut("10.0.0.1") {
		t.Fatal("the shut-out did not end after 5 minutes")
	}
	if l.Failed("10.0.0.1") {
		t.Fatal("old failures still counted after the shut-out ended")
	}
}

func TestLoginLimiterForgetsFailuresOutsideTheWindow(t *testing.T) {
	clock := &fakeClock{t: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
	l := newLoginLimiter(clock.now)
	for range 20 {
		if l.Failed("10.0.0.1") {
			t.Fatal("failures spread over more than a minute shut the host out")
		}
		clock.advance(16 * time.Second) // at most 4 within any minute
	}
}

func TestLoginLimiterSuccessClearsFailures(t *testing.T) {
	clock := &fakeClock{t: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
	l := newLoginLimiter(clock.now)
	for range 4 {
		l.Failed("10.0.0.1")
	}
	l.Succeeded("10.0.0.1")
	if l.Failed("10.0.0.1") {
		t.Fatal("failures before a successful login still counted")
	}
}

// An admin's login from a shut-out address does not end the shut-out of
// the stranger who shares it; failures while shut out do not extend it.
func TestLoginLimiterSuccessDoesNotEndAShutOut(t *testing.T) {
	clock := &fakeClock{t: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
	l := newLoginLimiter(clock.now)
	for range 5 {
		l.Failed("10.0.0.1")
	}
	l.Succeeded("10.0.0.1")
	if !l.ShutOut("10.0.0.1") {
		t.Fatal("a login ended the shut-out")
	}
	for range 20 {
		if l.Failed("10.0.0.1") {
			t.Fatal("a failure while shut out started another shut-out")
		}
	}
	clock.advance(5 * time.Minute)
	if l.ShutOut("10.0.0.1") {
		t.Fatal("still shut out after 5 minutes")
	}
}

func TestLoginLimiterForgetsQuietHostsWhenFull(t *testing.T) {
	clock := &fakeClock{t: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
	l := newLoginLimiter(clock.now)
	for i := range maxTrackedHosts {
		l.Failed(fmt.Sprintf("10.1.%d.%d", i/256, i%256))
	}
	for range 5 {
		l.Failed("shut-out")
	}
	clock.advance(2 * time.Minute)
	l.Failed("newcomer")
	if len(l.hosts) != 2 { // the shut-out host, and the newcomer
		t.Fatalf("%d hosts tracked after the quiet ones should have been forgotten", len(l.hosts))
	}
	if !l.ShutOut("shut-out") {
		t.Fatal("forgetting quiet hosts let a shut-out host back early")
	}
}
