package model_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/keydesk/keydesk/model"
)

func TestStatusNamesAndPredicates(t *testing.T) {
	for _, tc := range []struct {
		s       model.Status
		name    string
		valid   bool
		hasCode bool
		tied    bool
	}{
		{0, "", false, false, false},
		{model.Ready, "Ready", true, false, false},
		{model.Reserved, "Reserved", true, true, true},
		{model.Active, "Active", true, false, true},
		{model.Locked, "Locked", true, false, true},
		{model.Suspended, "Suspended", true, true, true},
		{model.Deactivated, "Deactivated", true, false, false},
		{model.Compromised, "Compromised", true, false, false},
		{8, "Status(8)", false, false, false},
		{255, "Status(255)", false, false, false},
	} {
		if got := tc.s.String(); got != tc.name {
			t.Errorf("Status(%d).String() = %q, want %q", uint8(tc.s), got, tc.name)
		}
		if tc.s.Valid() != tc.valid || tc.s.HasCode() != tc.hasCode || tc.s.IsTied() != tc.tied {
			t.Errorf("%v: Valid %v HasCode %v IsTied %v; want %v %v %v",
				tc.s, tc.s.Valid(), tc.s.HasCode(), tc.s.IsTied(), tc.valid, tc.hasCode, tc.tied)
		}
	}
	want := []model.Status{model.Ready, model.Reserved, model.Active, model.Locked, model.Suspended, model.Deactivated, model.Compromised}
	if !reflect.DeepEqual(model.Statuses, want) {
		t.Errorf("Statuses = %v, want %v", model.Statuses, want)
	}
}

func TestStatusName(t *testing.T) {
	if got := model.StatusName(0); got != "" {
		t.Errorf("StatusName(0) = %q, want empty", got)
	}
	for _, s := range model.Statuses {
		if model.StatusName(s) != s.String() {
			t.Errorf("StatusName(%v) = %q", s, model.StatusName(s))
		}
	}
}

func TestReasonNames(t *testing.T) {
	names := map[model.Reason]string{
		model.NoReason:              "",
		model.InvalidActivationCode: "InvalidActivationCode",
		model.LockedByInvalidPin:    "LockedByInvalidPin",
		model.Withdrawal:            "Withdrawal",
		model.Broken:                "Broken",
		model.Lost:                  "Lost",
		model.Stolen:                "Stolen",
		model.ReportedLost:          "ReportedLost",
	}
	for r, name := range names {
		if r.String() != name || !r.Valid() {
			t.Errorf("Reason(%d): String %q Valid %v; want %q true", uint8(r), r.String(), r.Valid(), name)
		}
	}
	if r := model.Reason(8); r.Valid() || r.String() != "Reason(8)" {
		t.Errorf("Reason(8): Valid %v String %q", r.Valid(), r.String())
	}
}

func TestParseRemoveReason(t *testing.T) {
	for in, want := range map[string]model.Reason{
		"withdrawal": model.Withdrawal, "Withdrawal": model.Withdrawal, " WITHDRAWAL ": model.Withdrawal,
		"broken": model.Broken, "Broken\n": model.Broken,
	} {
		if got, err := model.ParseRemoveReason(in); err != nil || got != want {
			t.Errorf("ParseRemoveReason(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "lost", "stolen", "broke", "withdraw", "InvalidActivationCode"} {
		if got, err := model.ParseRemoveReason(bad); err == nil || got != model.NoReason {
			t.Errorf("ParseRemoveReason(%q) = %v, %v; want an error", bad, got, err)
		}
	}
}

func TestParseCompromiseReason(t *testing.T) {
	for in, want := range map[string]model.Reason{
		"lost": model.Lost, "LOST": model.Lost, " Lost ": model.Lost,
		"stolen": model.Stolen, "Stolen": model.Stolen,
	} {
		if got, err := model.ParseCompromiseReason(in); err != nil || got != want {
			t.Errorf("ParseCompromiseReason(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "broken", "withdrawal", "lose", "theft"} {
		if got, err := model.ParseCompromiseReason(bad); err == nil || got != model.NoReason {
			t.Errorf("ParseCompromiseReason(%q) = %v, %v; want an error", bad, got, err)
		}
	}
}

// Every reason and every action replay knows has words a person can
// say; the identifiers stay for exports.
func TestEveryReasonAndActionHasWords(t *testing.T) {
	for r := model.NoReason + 1; r.Valid(); r++ {
		if r.Words() == "" || r.Words() == r.String() {
			t.Errorf("reason %s has no words", r)
		}
	}
	if got := model.StatusWords(model.Locked, model.LockedByInvalidPin); got != "Locked: PIN entered wrong too many times" {
		t.Errorf("StatusWords = %q", got)
	}
	if got := model.StatusWords(model.Active, model.NoReason); got != "Active" {
		t.Errorf("StatusWords = %q", got)
	}
	for _, a := range []model.Action{model.ActionEmployeeCreated, model.ActionKeyProfile} {
		if strings.ContainsAny(a.Words(), "._") {
			t.Errorf("%s reads %q", a, a.Words())
		}
	}
}
