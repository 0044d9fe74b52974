package store

import (
	"reflect"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
)

// The call screen says when a code expires and how many wrong entries it
// still takes, without showing it: reading that is no showing, so the
// database is left exactly as it was (no audit entry).
func TestKeyCodeStateSaysExpiryAndAttemptsWithoutShowing(t *testing.T) {
	s, clock := tOpen(t)
	code := tKeyIn(t, s, "SN-A1", "Jane", model.Reserved)
	before := tDump(t, s)
	state, ok, err := s.KeyCodeState("sn-a1")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before, tDump(t, s)) {
		t.Error("reading the code's state changed the database")
	}
	if !ok || state.AttemptsLeft != model.MaxCodeFailures || !state.ExpiresAt.Equal(state.IssuedAt.Add(model.CodeValidity)) {
		t.Fatalf("fresh code: %+v ok=%v, want %d attempts left and 7 days of validity", state, ok, model.MaxCodeFailures)
	}
	clock.Advance(time.Minute)
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	if _, err := s.DeviceEnterCode(tAdmin, "SN-A1", wrong); err == nil {
		t.Fatal("a wrong code was accepted")
	}
	if state, ok, _ = s.KeyCodeState("sn-a1"); !ok || state.AttemptsLeft != model.MaxCodeFailures-1 {
		t.Errorf("after one wrong entry: %+v ok=%v, want %d attempts left", state, ok, model.MaxCodeFailures-1)
	}
	if _, err := s.DeviceEnterCode(tAdmin, "SN-A1", code); err != nil {
		t.Fatal(err)
	}
	if state, ok, err := s.KeyCodeState("sn-a1"); ok || err != nil {
		t.Errorf("an Active key has a code state %+v (err %v)", state, err)
	}
}

func TestKeyCodeStateOfNoKeyIsRefused(t *testing.T) {
	s, _ := tOpen(t)
	_, _, err := s.KeyCodeState("SN-NONE")
	tRefusedWith(t, err, "there is no key with serial SN-NONE")
}
