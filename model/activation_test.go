package model_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
)

// The activation procedure: what the client software reports when the
// employee types a code (T3, T4, T7, T8, and the expired case of SPEC 2.2).

func tEnter(k model.Key, typed string, now time.Time) (model.Change, error) {
	return model.Transition(k, model.Event{Kind: model.EventEnterCode, Now: now, Code: typed})
}

// tWithFailures is a key in status s whose current code already counts n
// wrong entries.
func tWithFailures(s model.Status, n int) model.Key {
	k := tKeyIn(s)
	k.Code.Failures = n
	return k
}

func TestActivationCorrectCode(t *testing.T) {
	for _, s := range []model.Status{model.Reserved, model.Suspended} {
		for _, typed := range []string{"482913", "482 913", "482-913", " 482913 ", "48 29 13", "4-8-2-9-1-3", "482  913"} {
			for _, failures := range []int{0, 1, 2} {
				t.Run(s.String()+"/"+typed, func(t *testing.T) {
					in := tWithFailures(s, failures)
					before := tDeepCopy(in)
					ch, err := tEnter(in, typed, tNow)
					if err != nil {
						t.Fatalf("refused: %v", err)
					}
					if ch.Failure != nil {
						t.Errorf("Failure = %v", ch.Failure)
					}
					k := ch.Key
					if k.Status != model.Active || k.Reason != model.NoReason || k.Code != nil || k.EmployeeID != tHolderID {
						t.Errorf("got %v %q code %v employee %d; want Active, no reason, no code, still tied", k.Status, k.Reason, k.Code, k.EmployeeID)
					}
					if ch.Action != model.ActionKeyActivated || ch.From != s {
						t.Errorf("Action %q From %v", ch.Action, ch.From)
					}
					if !k.UpdatedAt.Equal(tNow) {
						t.Errorf("UpdatedAt = %v", k.UpdatedAt)
					}
					if !reflect.DeepEqual(in, before) {
						t.Errorf("caller's key modified")
					}
				})
			}
		}
	}
}

func TestActivationWrongCode(t *testing.T) {
	for _, s := range []model.Status{model.Reserved, model.Suspended} {
		for _, tc := range []struct {
			failures int
			typed    string
			wantLeft string
		}{
			{0, "482914", "2 attempts left"},
			{0, "000000", "2 attempts left"},
			{1, "284913", "1 attempt left"},
			{1, "913 482", "1 attempt left"},
		} {
			t.Run(s.String()+"/"+tc.typed, func(t *testing.T) {
				in := tWithFailures(s, tc.failures)
				before := tDeepCopy(in)
				ch, err := tEnter(in, tc.typed, tNow)
				if err != nil {
					t.Fatalf("err = %v; a wrong code is an accepted change with a Failure", err)
				}
				if !model.IsRefusal(ch.Failure) {
					t.Fatalf("Failure = %v, want a *Refusal", ch.Failure)
				}
				if want := "wrong activation code for key ABC123: " + tc.wantLeft; ch.Failure.Error() != want {
					t.Errorf("Failure = %q, want %q", ch.Failure, want)
				}
				k := ch.Key
				if k.Status != s || k.Reason != before.Reason || k.Note != before.Note || k.EmployeeID != tHolderID {
					t.Errorf("key changed status: %+v", k)
				}
				if ch.Action != model.ActionCodeRejected || ch.From != s {
					t.Errorf("Action %q From %v, want %q from %v", ch.Action, ch.From, model.ActionCodeRejected, s)
				}
				if k.Code == nil {
					t.Fatal("code removed after a wrong entry")
				}
				if k.Code.Failures != tc.failures+1 {
					t.Errorf("Failures = %d, want %d", k.Code.Failures, tc.failures+1)
				}
				if k.Code.Digits != tOldDigits || !k.Code.IssuedAt.Equal(before.Code.IssuedAt) || !k.Code.ExpiresAt.Equal(before.Code.ExpiresAt) {
					t.Errorf("code replaced by a wrong entry: %+v", *k.Code)
				}
				if k.Code == in.Code {
					t.Errorf("result shares the caller's code")
				}
				if !reflect.DeepEqual(in, before) {
					t.Errorf("caller's key modified: Failures %d -> %d", before.Code.Failures, in.Code.Failures)
				}
				tCheckNoDigits(t, ch.Failure.Error())
			})
		}
	}
}

func TestActivationThirdWrongCodeLocks(t *testing.T) {
	for _, s := range []model.Status{model.Reserved, model.Suspended} {
		t.Run(s.String(), func(t *testing.T) {
			in := tWithFailures(s, model.MaxCodeFailures-1)
			before := tDeepCopy(in)
			ch, err := tEnter(in, "123456", tNow)
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if !model.IsRefusal(ch.Failure) {
				t.Fatalf("Failure = %v, want a *Refusal", ch.Failure)
			}
			if want := "wrong activation code: key ABC123 is now Locked; ask your administrator to unlock it"; ch.Failure.Error() != want {
				t.Errorf("Failure = %q, want %q", ch.Failure, want)
			}
			k := ch.Key
			if k.Status != model.Locked || k.Reason != model.InvalidActivationCode || k.Code != nil {
				t.Errorf("got %v %q code %v, want Locked InvalidActivationCode, no code", k.Status, k.Reason, k.Code)
			}
			if k.EmployeeID != tHolderID {
				t.Errorf("a locked key stays with its employee, got %d", k.EmployeeID)
			}
			if ch.Action != "key.locked" || ch.From != s {
				t.Errorf("Action %q From %v", ch.Action, ch.From)
			}
			if !k.UpdatedAt.Equal(tNow) {
				t.Errorf("UpdatedAt = %v", k.UpdatedAt)
			}
			if !reflect.DeepEqual(in, before) {
				t.Errorf("caller's key modified")
			}
			tCheckInvariants(t, k)
		})
	}
}

// Three wrong entries in a row, each fed the previous result, lock on the
// third and not before; the unlock then gives a fresh code that works.
func TestActivationThreeStrikesThenUnlock(t *testing.T) {
	for _, s := range []model.Status{model.Reserved, model.Suspended} {
		t.Run(s.String(), func(t *testing.T) {
			k := tWithFailures(s, 0)
			for i := 1; i <= model.MaxCodeFailures; i++ {
				ch, err := tEnter(k, "999999", tNow.Add(time.Duration(i)*time.Second))
				if err != nil || ch.Failure == nil {
					t.Fatalf("attempt %d: err %v, Failure %v", i, err, ch.Failure)
				}
				wantStatus, wantAction := s, model.ActionCodeRejected
				if i == model.MaxCodeFailures {
					wantStatus, wantAction = model.Locked, model.ActionKeyLockedByCode
				}
				if ch.Key.Status != wantStatus || ch.Action != wantAction {
					t.Fatalf("attempt %d: %v %q, want %v %q", i, ch.Key.Status, ch.Action, wantStatus, wantAction)
				}
				k = ch.Key
			}
			// Locked: further codes are refused, not counted.
			if _, err := tEnter(k, tOldDigits, tNow); !model.IsRefusal(err) {
				t.Fatalf("code on a Locked key: err = %v, want a refusal", err)
			}
			ch, err := model.Transition(k, model.Event{Kind: model.EventUnlock, Now: tNow, Random: tDigitsReader(tNewDigits)})
			if err != nil {
				t.Fatal(err)
			}
			k = ch.Key
			tCheckFreshCode(t, k.Code, tNewDigits)
			if k.Status != model.Suspended || k.Reason != model.NoReason {
				t.Fatalf("after unlock: %v %q", k.Status, k.Reason)
			}
			ch, err = tEnter(k, tNewDigits, tNow.Add(time.Hour))
			if err != nil || ch.Failure != nil || ch.Key.Status != model.Active {
				t.Fatalf("new code after unlock: err %v, Failure %v, status %v", err, ch.Failure, ch.Key.Status)
			}
		})
	}
}

func TestActivationExpiredCode(t *testing.T) {
	for _, s := range []model.Status{model.Reserved, model.Suspended} {
		for _, tc := range []struct {
			name  string
			now   func(c *model.ActivationCode) time.Time
			typed string
		}{
			{"right at expiry, right code", func(c *model.ActivationCode) time.Time { return c.ExpiresAt }, tOldDigits},
			{"right at expiry, wrong code", func(c *model.ActivationCode) time.Time { return c.ExpiresAt }, "111111"},
			{"a month later, right code", func(c *model.ActivationCode) time.Time { return c.ExpiresAt.Add(30 * 24 * time.Hour) }, "482 913"},
			{"a nanosecond late, wrong code", func(c *model.ActivationCode) time.Time { return c.ExpiresAt.Add(time.Nanosecond) }, "111-111"},
		} {
			for _, failures := range []int{0, 2} {
				t.Run(s.String()+"/"+tc.name, func(t *testing.T) {
					in := tWithFailures(s, failures)
					before := tDeepCopy(in)
					ch, err := tEnter(in, tc.typed, tc.now(in.Code))
					if err != nil {
						t.Fatalf("err = %v; an expired code is an accepted change with a Failure", err)
					}
					if !model.IsRefusal(ch.Failure) {
						t.Fatalf("Failure = %v, want a *Refusal", ch.Failure)
					}
					msg := ch.Failure.Error()
					if want := "the activation code for key ABC123 has expired: ask your administrator for a new code"; msg != want {
						t.Errorf("Failure = %q, want %q", msg, want)
					}
					if ch.Action != model.ActionCodeExpired || ch.From != s {
						t.Errorf("Action %q From %v", ch.Action, ch.From)
					}
					k := ch.Key
					if k.Status != s || k.Code == nil || k.Code.Failures != failures {
						t.Errorf("status %v, code %+v: want status unchanged and no attempt counted (Failures %d)", k.Status, k.Code, failures)
					}
					// Nothing about the key changes (UpdatedAt aside).
					k.UpdatedAt = before.UpdatedAt
					if !reflect.DeepEqual(k, before) {
						t.Errorf("expired entry changed the key:\n got %+v\nwant %+v", k, before)
					}
					if ch.Key.Code == in.Code {
						t.Errorf("result shares the caller's code")
					}
					if !reflect.DeepEqual(in, before) {
						t.Errorf("caller's key modified")
					}
					tCheckNoDigits(t, msg)
				})
			}
		}
	}
}

func TestActivationJustBeforeExpiry(t *testing.T) {
	in := tKeyIn(model.Reserved)
	ch, err := tEnter(in, tOldDigits, in.Code.ExpiresAt.Add(-time.Nanosecond))
	if err != nil || ch.Failure != nil || ch.Key.Status != model.Active {
		t.Fatalf("err %v Failure %v status %v, want Active", err, ch.Failure, ch.Key.Status)
	}
	ch, err = tEnter(in, "000000", in.Code.ExpiresAt.Add(-time.Nanosecond))
	if err != nil || ch.Action != model.ActionCodeRejected || ch.Key.Code.Failures != 2 {
		t.Fatalf("wrong code before expiry: err %v action %q", err, ch.Action)
	}
}

// T14: a reissued code replaces the old one; the old digits stop working
// and the attempts start again from zero.
func TestActivationAfterReissue(t *testing.T) {
	for _, s := range []model.Status{model.Reserved, model.Suspended} {
		t.Run(s.String(), func(t *testing.T) {
			in := tWithFailures(s, 2)
			before := tDeepCopy(in)
			ch, err := model.Transition(in, model.Event{Kind: model.EventReissue, Now: tNow, Random: tDigitsReader(tNewDigits)})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(in, before) {
				t.Fatalf("reissue modified the caller's key")
			}
			k := ch.Key
			tCheckFreshCode(t, k.Code, tNewDigits)
			if k.Code.Matches(tOldDigits) {
				t.Errorf("the old code still matches")
			}
			if k.Status != s || k.Note != before.Note || k.EmployeeID != tHolderID || ch.Action != model.ActionCodeReissued {
				t.Errorf("reissue changed more than the code: %+v, action %q", k, ch.Action)
			}

			// The old digits are now just a wrong code: one attempt counted,
			// not a lock even though the old code had two.
			old, err := tEnter(k, tOldDigits, tNow.Add(time.Minute))
			if err != nil || old.Action != model.ActionCodeRejected || old.Key.Status != s || old.Key.Code.Failures != 1 {
				t.Fatalf("old code after reissue: err %v action %q status %v", err, old.Action, old.Key.Status)
			}
			// The new code works, even after a wrong attempt.
			ok, err := tEnter(old.Key, "031 337", tNow.Add(2*time.Minute))
			if err != nil || ok.Failure != nil || ok.Key.Status != model.Active || ok.Key.Code != nil {
				t.Fatalf("new code: err %v Failure %v status %v", err, ok.Failure, ok.Key.Status)
			}
		})
	}
}

// A reissue also revives an expired code.
func TestActivationReissueAfterExpiry(t *testing.T) {
	in := tKeyIn(model.Reserved)
	later := in.Code.ExpiresAt.Add(time.Hour)
	ch, err := tEnter(in, tOldDigits, later)
	if err != nil || ch.Action != model.ActionCodeExpired {
		t.Fatalf("err %v action %q", err, ch.Action)
	}
	re, err := model.Transition(ch.Key, model.Event{Kind: model.EventReissue, Now: later, Random: tDigitsReader(tNewDigits)})
	if err != nil {
		t.Fatal(err)
	}
	if want := later.Add(model.CodeValidity); !re.Key.Code.ExpiresAt.Equal(want) {
		t.Errorf("ExpiresAt = %v, want %v", re.Key.Code.ExpiresAt, want)
	}
	act, err := tEnter(re.Key, tNewDigits, later.Add(time.Minute))
	if err != nil || act.Key.Status != model.Active {
		t.Fatalf("err %v status %v", err, act.Key.Status)
	}
}

func TestActivationBadEntryRefused(t *testing.T) {
	for _, s := range []model.Status{model.Reserved, model.Suspended} {
		for _, typed := range []string{
			"", "      ", "48291", "4829130", "48291a", "abcdef", "482.913", "482_913", "482913\n",
			"\t482913", "+482913", "-48291", "４８２９１３", "٤٨٢٩١٣", "482913\x00", "\x1b[2J",
		} {
			t.Run(s.String()+"/"+typed, func(t *testing.T) {
				in := tWithFailures(s, 2) // a counted attempt would lock
				msg := tRefusedWithoutChange(t, in, model.Event{Kind: model.EventEnterCode, Now: tNow, Code: typed})
				if msg != model.ErrCodeFormat.Error() {
					t.Errorf("message = %q, want %q", msg, model.ErrCodeFormat.Error())
				}
			})
		}
	}
}

// A Reserved/Suspended key with no code can only come from damaged data:
// refuse, count nothing.
func TestActivationWithoutStoredCode(t *testing.T) {
	for _, s := range []model.Status{model.Reserved, model.Suspended} {
		in := tKeyIn(s)
		in.Code = nil
		msg := tRefusedWithoutChange(t, in, model.Event{Kind: model.EventEnterCode, Now: tNow, Code: tOldDigits})
		if !strings.Contains(msg, tSerial) || !strings.Contains(msg, "new code") {
			t.Errorf("%v: message %q", s, msg)
		}
	}
}

// Entering a code where none is awaited is refused, whatever was typed.
func TestActivationOutsideReservedOrSuspended(t *testing.T) {
	for _, s := range tAllStatuses {
		if s == model.Reserved || s == model.Suspended {
			continue
		}
		for _, typed := range []string{tOldDigits, "nonsense"} {
			tRefusedWithoutChange(t, tKeyIn(s), model.Event{Kind: model.EventEnterCode, Now: tNow, Code: typed})
		}
	}
}

// SPEC 2.2: codes are never written into error messages.
func tCheckNoDigits(t *testing.T, msg string) {
	t.Helper()
	for _, d := range []string{tOldDigits, tNewDigits, model.GroupCode(tOldDigits), model.GroupCode(tNewDigits)} {
		if strings.Contains(msg, d) {
			t.Errorf("message %q reveals the code %s", msg, d)
		}
	}
}

func TestMessagesNeverRevealTheCode(t *testing.T) {
	var msgs []string
	add := func(ch model.Change, err error) {
		if err != nil {
			msgs = append(msgs, err.Error())
		}
		if ch.Failure != nil {
			msgs = append(msgs, ch.Failure.Error())
		}
	}
	for _, s := range tAllStatuses {
		for _, e := range tEvents {
			add(model.Transition(tKeyIn(s), e.make()))
		}
		for _, typed := range []string{"000000", tOldDigits, "abc"} {
			for _, f := range []int{0, 2} {
				k := tKeyIn(s)
				if k.Code != nil {
					k.Code.Failures = f
				}
				add(tEnter(k, typed, tNow))
				add(tEnter(k, typed, tNow.Add(8*24*time.Hour)))
			}
		}
	}
	if len(msgs) < 50 {
		t.Fatalf("only %d messages collected", len(msgs))
	}
	for _, m := range msgs {
		tCheckNoDigits(t, m)
	}
}
