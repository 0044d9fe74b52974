package store

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keydesk/keydesk/model"
)

// SPEC 2.2: activation codes are never written into the audit trail,
// error messages or lists. A scripted history collects every code it is
// shown and every error it gets, then searches the places a code must not
// be. Serials and e-mails have no digit runs, and codes come from a fixed
// stream, so no code can appear there by chance.
func TestCodesNeverLeak(t *testing.T) {
	clock := &testClock{now: tStart}
	var seed [32]byte
	seed[0] = 7
	s, err := Open(filepath.Join(t.TempDir(), "keydesk.db"), Options{Now: clock.Now, NoSync: true, Random: rand.NewChaCha8(seed)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	var codes []string
	var errs []error
	code := func(v CodeView, err error) string {
		t.Helper()
		if err != nil {
			t.Fatalf("code operation: %v", err)
		}
		codes = append(codes, v.Digits)
		return v.Digits
	}
	failed := func(_ any, err error) {
		t.Helper()
		if err == nil {
			t.Fatalf("operation succeeded, want a failure")
		}
		errs = append(errs, err)
	}

	tImportKeys(t, s, "KEY-ALPHA", "KEY-BRAVO", "KEY-CHARLIE", "KEY-DELTA", "KEY-ECHO", "KEY-FOXTROT")
	for _, name := range []string{"Jane", "Omar", "Lena", "Sam"} {
		tAddEmployee(t, s, name)
	}
	alpha := code(s.AssignKey(tAdmin, Serial("KEY-ALPHA"), "jane@example.com"))
	code(s.ShowCode(tAdmin, Serial("KEY-ALPHA")))
	failed(s.DeviceEnterCode(tAdmin, "KEY-ALPHA", otherCode(alpha)))
	alpha = code(s.ReissueCode(tAdmin, Serial("KEY-ALPHA")))
	if _, err := s.DeviceEnterCode(tAdmin, "KEY-ALPHA", alpha); err != nil {
		t.Fatal(err)
	}
	alpha = code(s.SuspendKey(tAdmin, Serial("KEY-ALPHA"), "on leave"))
	for range model.MaxCodeFailures {
		failed(s.DeviceEnterCode(tAdmin, "KEY-ALPHA", otherCode(alpha)))
	}
	code(s.UnlockKey(tAdmin, Serial("KEY-ALPHA")))
	bravo := code(s.AssignKey(tAdmin, Serial("KEY-BRAVO"), "omar@example.com"))
	if err := s.RecordCodeEmail(tAdmin, "KEY-BRAVO", "omar@example.com", errors.New("mailbox full")); err != nil {
		t.Fatal(err)
	}
	clock.Advance(model.CodeValidity)
	failed(s.DeviceEnterCode(tAdmin, "KEY-BRAVO", bravo))
	failed(s.ShowCode(tAdmin, KeyRef{Serial: "KEY-BRAVO", Rev: 1}))
	out, err := s.AddEmployee(tAdmin, tPerson("Nina"), "KEY-CHARLIE")
	if err != nil {
		t.Fatal(err)
	}
	codes = append(codes, out.Code.Digits)
	handouts, err := s.ImportEmployees(tAdmin, []EmployeeRow{
		{Line: 2, EmployeeInput: tPerson("Rosa"), KeySerial: "KEY-DELTA"},
		{Line: 3, EmployeeInput: tPerson("Ivan"), KeySerial: "KEY-ECHO"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range handouts {
		codes = append(codes, h.Code)
	}
	code(s.ShowCode(tAdmin, Serial("KEY-DELTA")))
	_, err = s.ImportEmployees(tAdmin, []EmployeeRow{{Line: 2, EmployeeInput: tPerson("Vera"), KeySerial: "KEY-DELTA"}})
	failed(nil, err)
	_, err = s.AddEmployee(tAdmin, tPerson("Vera"), "KEY-DELTA")
	failed(nil, err)
	failed(s.RemoveKey(tAdmin, Serial("KEY-CHARLIE"), model.Lost, ""))
	failed(s.CompromiseKey(tAdmin, Serial("KEY-CHARLIE"), model.Lost, "wrong", ""))
	if _, err := s.CompromiseKey(tAdmin, Serial("KEY-CHARLIE"), model.Lost, "KEY-CHARLIE", "gone"); err != nil {
		t.Fatal(err)
	}
	failed(s.DeviceEnterCode(tAdmin, "KEY-CHARLIE", out.Code.Digits))

	if len(codes) < 10 || len(errs) < 10 {
		t.Fatalf("script covered %d codes and %d errors", len(codes), len(errs))
	}
	for _, c := range codes {
		if !sixDigits.MatchString(c) {
			t.Fatalf("collected %q, not a code", c)
		}
	}
	leaks := func(where, text string) {
		t.Helper()
		for _, c := range codes {
			if strings.Contains(text, c) {
				t.Errorf("code %s appears in %s: %q", c, where, text)
			}
		}
	}
	for _, e := range errs {
		leaks("an error message", e.Error())
	}
	for _, e := range tAudit(t, s) {
		// Hashes are hex and may hold six digits by chance: search the
		// fields people read.
		leaks(fmt.Sprintf("audit entry %d", e.Seq), strings.Join([]string{e.Actor, string(e.Action), e.Target, e.Note}, "|"))
	}
	snap, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range snap.Keys {
		if k.Code != nil {
			t.Errorf("Snapshot key %s carries its code", k.Serial)
		}
	}
	leaks("the snapshot", fmt.Sprintf("%+v", snap))
	smtp, _, _ := s.SMTPSettings()
	leaks("the settings", fmt.Sprintf("%+v", smtp))
}
