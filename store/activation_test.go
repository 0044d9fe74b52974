package store

import (
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
)

// What the client software reports when an employee types a code (T3, T4,
// T7, T8), and the code's life: expiry, reissue, suspension.

func TestCodeActivatesOnlyItsKey(t *testing.T) {
	s, _ := tOpen(t)
	codeA := tKeyIn(t, s, "SN-A1", "Jane", model.Reserved)
	codeB := tKeyIn(t, s, "SN-B2", "Omar", model.Reserved)
	if codeA == codeB {
		t.Skip("the two random codes happen to be equal")
	}
	_, err := s.DeviceEnterCode(tAdmin, "SN-B2", codeA)
	tRefusedWith(t, err, "wrong activation code for key SN-B2: 2 attempts left")
	if b := tKey(t, s, "SN-B2"); b.Status != model.Reserved || b.Code.Failures != 1 {
		t.Errorf("SN-B2 after another key's code: %v, %d failures", b.Status, b.Code.Failures)
	}
	if a := tKey(t, s, "SN-A1"); a.Status != model.Reserved || a.Code.Failures != 0 {
		t.Errorf("SN-A1 was touched by an entry on SN-B2: %v, %d failures", a.Status, a.Code.Failures)
	}

	n := len(tAudit(t, s))
	k, err := s.DeviceEnterCode(tAdmin, "SN-A1", codeA[:3]+" "+codeA[3:])
	if err != nil {
		t.Fatalf("the right code, typed as two groups: %v", err)
	}
	stored := tKey(t, s, "SN-A1")
	if k.Status != model.Active || stored.Status != model.Active || stored.Code != nil || stored.EmployeeID != tEmployee(t, s, "Jane").ID {
		t.Errorf("after activation: %+v", stored)
	}
	tEntryIs(t, tOneEntry(t, s, n), model.ActionKeyActivated, model.ActorDevice, model.Reserved, model.Active)
	if tCodeCount(t, s) != 1 {
		t.Errorf("codes bucket holds %d codes, want only SN-B2's", tCodeCount(t, s))
	}
	// Used up: the same code again is refused and changes nothing.
	err = tOnlyAudited(t, s, func() error { _, err := s.DeviceEnterCode(tAdmin, "SN-A1", codeA); return err })
	tRefusedWith(t, err, "key SN-A1 is Active: it is not waiting for an activation code")
}

func TestThirdWrongCodeLocks(t *testing.T) {
	for _, from := range []model.Status{model.Reserved, model.Suspended} {
		t.Run(from.String(), func(t *testing.T) {
			s, _ := tOpen(t)
			code := tKeyIn(t, s, "SN-A1", "Jane", from)
			jane := tEmployee(t, s, "Jane")
			n := len(tAudit(t, s))
			wrong := otherCode(code)
			for i, want := range []string{"2 attempts left", "1 attempt left"} {
				_, err := s.DeviceEnterCode(tAdmin, "SN-A1", wrong)
				tRefusedWith(t, err, want)
				if k := tKey(t, s, "SN-A1"); k.Status != from || k.Code.Failures != i+1 {
					t.Fatalf("after %d wrong: %v, %d failures", i+1, k.Status, k.Code.Failures)
				}
			}
			k, err := s.DeviceEnterCode(tAdmin, "SN-A1", wrong)
			tRefusedWith(t, err, "wrong activation code: key SN-A1 is now Locked; ask your administrator to unlock it")
			stored := tKey(t, s, "SN-A1")
			if k.Status != model.Locked || stored.Status != model.Locked || stored.Reason != model.InvalidActivationCode || stored.Code != nil {
				t.Errorf("after the 3rd wrong code: %+v", stored)
			}
			if stored.EmployeeID != jane.ID || tEmployee(t, s, "Jane").KeyID != stored.ID {
				t.Errorf("the locked key is no longer tied to Jane")
			}
			if tCodeCount(t, s) != 0 {
				t.Errorf("the code is still stored")
			}
			audit := tAuditSince(t, s, n)
			if len(audit) != 3 {
				t.Fatalf("%d entries for 3 attempts", len(audit))
			}
			tEntryIs(t, audit[0], model.ActionCodeRejected, model.ActorDevice, from, from)
			tEntryIs(t, audit[1], model.ActionCodeRejected, model.ActorDevice, from, from)
			tEntryIs(t, audit[2], model.ActionKeyLockedByCode, model.ActorDevice, from, model.Locked)
			if audit[2].Reason != model.InvalidActivationCode {
				t.Errorf("lock entry reason %v", audit[2].Reason)
			}
			// The right code no longer helps.
			err = tOnlyAudited(t, s, func() error { _, err := s.DeviceEnterCode(tAdmin, "SN-A1", code); return err })
			tRefusedWith(t, err, "key SN-A1 is Locked: it is not waiting for an activation code")
		})
	}
}

func TestMalformedCodeCountsNothing(t *testing.T) {
	s, _ := tOpen(t)
	tKeyIn(t, s, "SN-A1", "Jane", model.Reserved)
	for _, typed := range []string{"", "12345", "1234567", "12a456"} {
		err := tOnlyAudited(t, s, func() error { _, err := s.DeviceEnterCode(tAdmin, "SN-A1", typed); return err })
		tRefusedWith(t, err, "6 digits")
	}
	err := tUnchanged(t, s, func() error { _, err := s.DeviceEnterCode(tAdmin, "SN-NONE", "123456"); return err })
	tRefusedWith(t, err, "there is no key with serial SN-NONE")
}

func TestExpiredCodeCountsNoAttempt(t *testing.T) {
	s, clock := tOpen(t)
	code := tKeyIn(t, s, "SN-A1", "Jane", model.Reserved)
	if _, err := s.DeviceEnterCode(tAdmin, "SN-A1", otherCode(code)); err == nil {
		t.Fatal("a wrong code was accepted")
	}
	clock.Advance(model.CodeValidity)

	for i := 0; i < model.MaxCodeFailures+1; i++ {
		n := len(tAudit(t, s))
		// The right code and a wrong one get the same answer: expired.
		typed := code
		if i%2 == 1 {
			typed = otherCode(code)
		}
		_, err := s.DeviceEnterCode(tAdmin, "SN-A1", typed)
		tRefusedWith(t, err, "the activation code for key SN-A1 has expired: ask your administrator for a new code")
		tEntryIs(t, tOneEntry(t, s, n), model.ActionCodeExpired, model.ActorDevice, model.Reserved, model.Reserved)
	}
	k := tKey(t, s, "SN-A1")
	if k.Status != model.Reserved || k.Code == nil || k.Code.Failures != 1 {
		t.Fatalf("after expired attempts: %v code %+v; want Reserved, the 1 earlier failure only", k.Status, k.Code)
	}
	// A new code works again.
	view, err := s.ReissueCode(tAdmin, Serial("SN-A1"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeviceEnterCode(tAdmin, "SN-A1", view.Digits); err != nil {
		t.Errorf("the reissued code: %v", err)
	}
}

func TestCodeWorksUntilItsLastMoment(t *testing.T) {
	s, clock := tOpen(t)
	code := tKeyIn(t, s, "SN-A1", "Jane", model.Reserved)
	clock.Advance(model.CodeValidity - time.Second)
	if _, err := s.DeviceEnterCode(tAdmin, "SN-A1", code); err != nil {
		t.Errorf("one second before expiry: %v", err)
	}
}

func TestReissuedCodeReplacesTheOld(t *testing.T) {
	s, _ := tOpen(t)
	old := tKeyIn(t, s, "SN-A1", "Jane", model.Reserved)
	for range 2 {
		if _, err := s.DeviceEnterCode(tAdmin, "SN-A1", otherCode(old)); err == nil {
			t.Fatal("a wrong code was accepted")
		}
	}
	view, err := s.ReissueCode(tAdmin, Serial("SN-A1"))
	if err != nil {
		t.Fatal(err)
	}
	if view.Digits == old {
		t.Skip("the random new code happens to equal the old one")
	}
	// The old code is now just a wrong code, and the count started afresh:
	// two more wrong entries do not lock.
	_, err = s.DeviceEnterCode(tAdmin, "SN-A1", old)
	tRefusedWith(t, err, "wrong activation code for key SN-A1: 2 attempts left")
	_, err = s.DeviceEnterCode(tAdmin, "SN-A1", old)
	tRefusedWith(t, err, "1 attempt left")
	if _, err := s.DeviceEnterCode(tAdmin, "SN-A1", view.Digits); err != nil {
		t.Errorf("the new code: %v", err)
	}
	if k := tKey(t, s, "SN-A1"); k.Status != model.Active {
		t.Errorf("status %v, want Active", k.Status)
	}
}

func TestSuspendedKeyActivatesWithItsNewCode(t *testing.T) {
	s, _ := tOpen(t)
	tKeyIn(t, s, "SN-A1", "Jane", model.Active)
	view, err := s.SuspendKey(tAdmin, Serial("SN-A1"), "on leave")
	if err != nil {
		t.Fatal(err)
	}
	n := len(tAudit(t, s))
	if _, err := s.DeviceEnterCode(tAdmin, "SN-A1", view.Digits); err != nil {
		t.Fatalf("the suspension code: %v", err)
	}
	k := tKey(t, s, "SN-A1")
	if k.Status != model.Active || k.Note != "" || k.Code != nil || tCodeCount(t, s) != 0 {
		t.Errorf("after reactivation: %+v", k)
	}
	tEntryIs(t, tOneEntry(t, s, n), model.ActionKeyActivated, model.ActorDevice, model.Suspended, model.Active)
}

func TestUnlockedKeyActivatesWithItsNewCode(t *testing.T) {
	s, _ := tOpen(t)
	code := tKeyIn(t, s, "SN-A1", "Jane", model.Reserved)
	for range model.MaxCodeFailures {
		s.DeviceEnterCode(tAdmin, "SN-A1", otherCode(code)) // wrong: fails by design
	}
	if k := tKey(t, s, "SN-A1"); k.Status != model.Locked {
		t.Fatalf("fixture: %v, want Locked", k.Status)
	}
	view, err := s.UnlockKey(tAdmin, Serial("SN-A1"))
	if err != nil {
		t.Fatalf("UnlockKey: %v", err)
	}
	if _, err := s.DeviceEnterCode(tAdmin, "SN-A1", view.Digits); err != nil {
		t.Errorf("the unlock code: %v", err)
	}
	if k := tKey(t, s, "SN-A1"); k.Status != model.Active || k.Reason != model.NoReason {
		t.Errorf("after unlock and activation: %v %v", k.Status, k.Reason)
	}
}
