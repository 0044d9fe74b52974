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
