package ui

import (
	"context"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
)

// A session that ends without quitting (an SSH connection that drops)
// cancels Config.Context: the app must let go of its store subscription,
// or every dropped session would leave a watcher behind.
func TestCancelledContextEndsTheSubscription(t *testing.T) {
	st := tStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	a := newApp(Config{Store: st, Actor: tActor, Renderer: asciiRenderer(), Context: ctx})
	stopped := make(chan struct{})
	a.subscribe = func() (<-chan struct{}, func()) {
		changes, stop := st.Watch()
		return changes, func() { stop(); close(stopped) }
	}
	a.Init()
	change := func(first string) {
		t.Helper()
		if _, err := st.AddEmployee(tActor, model.EmployeeInput{FirstName: first, Email: first + "@example.com"}, ""); err != nil {
			t.Fatal(err)
		}
	}

	// Subscribed: a change reaches the app's channel.
	change("ann")
	select {
	case <-a.changes:
	case <-time.After(5 * time.Second):
		t.Fatal("a change did not reach the subscription")
	}
	select {
	case <-stopped:
		t.Fatal("the subscription ended while the session was open")
	default:
	}

	cancel()
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		t.Fatal("the subscription did not end when the session's context was cancelled")
	}
	// Unsubscribed: the store no longer tells this channel anything.
	change("bob")
	select {
	case <-a.changes:
		t.Fatal("a change reached the app after its subscription ended")
	default:
	}
}

// Licence statuses move at midnight UTC: the index is built again then,
// once a day, whatever the local zone.
func TestIndexReloadsAtMidnightUTC(t *testing.T) {
	at := time.Date(2025, 3, 14, 22, 30, 0, 0, time.UTC)
	if got := untilNextDay(at, at); got != 90*time.Minute {
		t.Errorf("from 22:30 UTC: %v", got)
	}
	paris := time.FixedZone("CET", 3600)
	if got := untilNextDay(at, time.Date(2025, 3, 15, 0, 29, 0, 0, paris)); got != 31*time.Minute {
		t.Errorf("from 00:29 in Paris (23:29 UTC): %v", got)
	}
	if got := untilNextDay(at, at.Add(3*time.Hour)); got != time.Second {
		t.Errorf("a clock past the midnight waits %v, want a second", got)
	}
	d := newDriver(t, tFixtureStore(t), 80, 24)
	d.app.noWatch = false
	idx := d.app.idx
	if d.app.nextDay(idx) == nil {
		t.Fatal("no wait for the end of the day")
	}
	if d.app.nextDay(idx) != nil {
		t.Error("a second wait for the same day")
	}
}

// A session told that a newer version is being built (it got the one
// before) loads again once it is published, and waits once per build.
func TestASessionLoadsAgainWhenTheBuildUnderWayIsDone(t *testing.T) {
	d := newDriver(t, tFixtureStore(t), 80, 24)
	built := make(chan struct{})
	close(built)
	gen := d.app.loadGen
	d.app.loading = true
	d.send(indexMsg{gen: gen, idx: d.app.idx, next: built})
	if d.app.loadGen == gen {
		t.Fatal("no load once the build was done")
	}
	if d.app.awaitBuild(built) != nil {
		t.Error("a second wait for the same build")
	}
	if d.app.awaitBuild(nil) != nil {
		t.Error("a wait with no build under way")
	}
}
