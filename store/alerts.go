package store

import (
	"slices"
	"sync"
)

// alertSet holds what the running program needs an admin to see now,
// outside any record: a scheduled backup that failed. It is not in the
// file; a restart starts with none.
type alertSet struct {
	mu     sync.Mutex
	byName map[string]string
}

// SetAlert raises the alert named topic with msg, or clears it when msg
// is "". Every screen is told, as after a change.
func (s *Store) SetAlert(topic, msg string) {
	a := &s.alerts
	a.mu.Lock()
	if a.byName == nil {
		a.byName = map[string]string{}
	}
	old, had := a.byName[topic]
	if msg == "" {
		delete(a.byName, topic)
	} else {
		a.byName[topic] = msg
	}
	a.mu.Unlock()
	if old != msg || had != (msg != "") {
		s.notify()
	}
}

// Alerts are the raised alerts' messages, in the order of their topics.
func (s *Store) Alerts() []string {
	a := &s.alerts
	a.mu.Lock()
	defer a.mu.Unlock()
	topics := make([]string, 0, len(a.byName))
	for t := range a.byName {
		topics = append(topics, t)
	}
	slices.Sort(topics)
	msgs := make([]string, len(topics))
	for i, t := range topics {
		msgs[i] = a.byName[t]
	}
	return msgs
}
