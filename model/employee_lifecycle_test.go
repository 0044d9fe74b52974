package model_test

import (
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
)

// Every (status, event) pair of the employee's lifecycle.
func TestEmployeeTransitionTable(t *testing.T) {
	at := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	active := model.Employee{ID: 1, FirstName: "Ann", Email: "ann@example.com"}
	left := active
	left.LeftAt, left.LeftReason = at.Add(-24*time.Hour), "moved abroad"
	cases := []struct {
		name   string
		from   model.Employee
		ev     model.EmployeeEvent
		want   model.EmployeeStatus
		action model.Action
		ok     bool
	}{
		{"active leaves", active, model.EmployeeEvent{Kind: model.EmployeeLeave, At: at, Reason: "resigned"}, model.EmployeeLeft, model.ActionEmployeeLeft, true},
		{"active returns", active, model.EmployeeEvent{Kind: model.EmployeeReturn, At: at}, model.EmployeeActive, "", false},
		{"left leaves", left, model.EmployeeEvent{Kind: model.EmployeeLeave, At: at}, model.EmployeeLeft, "", false},
		{"left returns", left, model.EmployeeEvent{Kind: model.EmployeeReturn, At: at}, model.EmployeeActive, model.ActionEmployeeReturned, true},
		{"no date", active, model.EmployeeEvent{Kind: model.EmployeeLeave}, model.EmployeeActive, "", false},
		{"bad reason", active, model.EmployeeEvent{Kind: model.EmployeeLeave, At: at, Reason: "a\x1bb"}, model.EmployeeActive, "", false},
	}
	for _, c := range cases {
		got, action, err := model.EmployeeTransition(c.from, c.ev)
		if (err == nil) != c.ok {
			t.Errorf("%s: err %v, want ok %v", c.name, err, c.ok)
			continue
		}
		if !c.ok {
			if !model.IsRefusal(err) || got != c.from {
				t.Errorf("%s: a refusal must change nothing: %v %+v", c.name, err, got)
			}
			continue
		}
		if got.Status() != c.want || action != c.action || !got.UpdatedAt.Equal(at) {
			t.Errorf("%s: got %s %s at %v", c.name, got.Status(), action, got.UpdatedAt)
		}
	}
	got, _, _ := model.EmployeeTransition(active, model.EmployeeEvent{Kind: model.EmployeeLeave, At: at, Reason: " resigned "})
	if got.LeftReason != "resigned" || !got.LeftAt.Equal(at) {
		t.Errorf("leave stored %q at %v", got.LeftReason, got.LeftAt)
	}
	back, _, _ := model.EmployeeTransition(got, model.EmployeeEvent{Kind: model.EmployeeReturn, At: at})
	if back.HasLeft() || back.LeftReason != "" {
		t.Errorf("a return keeps %v %q", back.LeftAt, back.LeftReason)
	}
}

func TestWithdrawalDue(t *testing.T) {
	at := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	grace := 72 * time.Hour
	e := model.Employee{ID: 1, KeyID: 5, LeftAt: at}
	for _, c := range []struct {
		e    model.Employee
		now  time.Time
		want bool
	}{
		{e, at, false},
		{e, at.Add(grace - time.Second), false},
		{e, at.Add(grace), true},
		{model.Employee{ID: 1, LeftAt: at}, at.Add(grace), false},    // no key
		{model.Employee{ID: 1, KeyID: 5}, at.Add(10 * grace), false}, // active
	} {
		if got := model.WithdrawalDue(c.e, grace, c.now); got != c.want {
			t.Errorf("%+v at %v: %v, want %v", c.e, c.now, got, c.want)
		}
	}
	if !model.WithdrawalDue(e, 0, at) {
		t.Error("grace 0: due at once")
	}
}

// A key taken back remembers who held it, through a wipe.
func TestKeyKeepsLastHolder(t *testing.T) {
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		from model.Status
		ev   model.Event
	}{
		{model.Active, model.Event{Kind: model.EventRemove, Reason: model.Withdrawal}},
		{model.Reserved, model.Event{Kind: model.EventRemove, Reason: model.Withdrawal}},
		{model.Locked, model.Event{Kind: model.EventRemove, Reason: model.Broken}},
		{model.Suspended, model.Event{Kind: model.EventCompromise, Reason: model.Lost, Confirm: "K1"}},
	} {
		k := model.Key{ID: 1, Serial: "K1", Status: c.from, EmployeeID: 42}
		c.ev.Now = now
		ch, err := model.Transition(k, c.ev)
		if err != nil {
			t.Fatalf("%s: %v", c.from, err)
		}
		if ch.Key.EmployeeID != 0 || ch.Key.LastHolderID != 42 {
			t.Errorf("%s -> %s: holder %d, last holder %d", c.from, ch.Key.Status, ch.Key.EmployeeID, ch.Key.LastHolderID)
		}
		if ch.Key.Status == model.Deactivated {
			w, err := model.Transition(ch.Key, model.Event{Kind: model.EventWiped, Now: now})
			if err != nil || w.Key.LastHolderID != 42 {
				t.Errorf("wiped: %v, last holder %d", err, w.Key.LastHolderID)
			}
		}
	}
}
