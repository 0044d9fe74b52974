package model_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
)

// tEvent is one event of the matrix, with data that is valid for its kind,
// so that only the key's status decides whether it is accepted.
type tEvent struct {
	name string
	kind model.EventKind
	make func() model.Event // fresh each time: Random is a consumable stream
}

func tEv(kind model.EventKind, edit func(*model.Event)) func() model.Event {
	return func() model.Event {
		ev := model.Event{Kind: kind, Now: tNow, Random: tDigitsReader(tNewDigits)}
		if edit != nil {
			edit(&ev)
		}
		return ev
	}
}

func tNewHolder() *model.Employee {
	return &model.Employee{ID: tNewHolderID, FirstName: "Jane", LastName: "Doe", Email: "jane@example.com"}
}

var tEvents = []tEvent{
	{"import", model.EventImport, tEv(model.EventImport, nil)},
	{"assign", model.EventAssign, tEv(model.EventAssign, func(e *model.Event) { e.Employee = tNewHolder() })},
	{"enter-code", model.EventEnterCode, tEv(model.EventEnterCode, func(e *model.Event) { e.Code = tOldDigits })},
	{"suspend", model.EventSuspend, tEv(model.EventSuspend, func(e *model.Event) { e.Note = "holiday" })},
	{"unlock", model.EventUnlock, tEv(model.EventUnlock, nil)},
	{"pin-locked", model.EventPinLocked, tEv(model.EventPinLocked, nil)},
	{"remove-withdrawal", model.EventRemove, tEv(model.EventRemove, func(e *model.Event) { e.Reason, e.Note = model.Withdrawal, "left the company" })},
	{"remove-broken", model.EventRemove, tEv(model.EventRemove, func(e *model.Event) { e.Reason, e.Note = model.Broken, "does not light up" })},
	{"wiped", model.EventWiped, tEv(model.EventWiped, nil)},
	{"compromise-lost", model.EventCompromise, tEv(model.EventCompromise, func(e *model.Event) {
		e.Reason, e.Confirm, e.Note = model.Lost, "abc123", "left in a taxi"
	})},
	{"compromise-stolen", model.EventCompromise, tEv(model.EventCompromise, func(e *model.Event) {
		e.Reason, e.Confirm, e.Note = model.Stolen, "ABC123", "house burgled"
	})},
	{"reissue", model.EventReissue, tEv(model.EventReissue, nil)},
	{"report-lost", model.EventReportLost, tEv(model.EventReportLost, func(e *model.Event) { e.Note = "left on the train" })},
}

type tCodeEffect int

const (
	tCodeNone   tCodeEffect = iota // no code after the event
	tCodeIssued                    // a fresh code, drawn from the event's Random
)

type tWant struct {
	to       model.Status
	reason   model.Reason
	note     string
	employee uint64
	code     tCodeEffect
	action   model.Action
}

// tTable is SPEC 2.1 written out independently of model's own table:
// status -> event name -> expected result. Everything absent is refused.
var tTable = map[model.Status]map[string]tWant{
	0: { // T1
		"import": {model.Ready, model.NoReason, "", 0, tCodeNone, model.ActionKeyImported},
	},
	model.Ready: { // T2
		"assign": {model.Reserved, model.NoReason, "", tNewHolderID, tCodeIssued, model.ActionKeyAssigned},
	},
	model.Reserved: {
		"enter-code":        {model.Active, model.NoReason, "", tHolderID, tCodeNone, model.ActionKeyActivated},           // T3
		"remove-withdrawal": {model.Ready, model.NoReason, "", 0, tCodeNone, model.ActionKeyRemoved},                      // T10
		"remove-broken":     {model.Deactivated, model.Broken, "does not light up", 0, tCodeNone, model.ActionKeyRemoved}, // T11
		"compromise-lost":   {model.Compromised, model.Lost, "left in a taxi", 0, tCodeNone, model.ActionKeyCompromised},  // T13
		"compromise-stolen": {model.Compromised, model.Stolen, "house burgled", 0, tCodeNone, model.ActionKeyCompromised},
		"reissue":           {model.Reserved, model.NoReason, "", tHolderID, tCodeIssued, model.ActionCodeReissued},                          // T14
		"report-lost":       {model.Suspended, model.ReportedLost, "left on the train", tHolderID, tCodeIssued, model.ActionKeyReportedLost}, // T15
	},
	model.Active: {
		"suspend":           {model.Suspended, model.NoReason, "holiday", tHolderID, tCodeIssued, model.ActionKeySuspended},                  // T5
		"pin-locked":        {model.Locked, model.LockedByInvalidPin, "", tHolderID, tCodeNone, model.ActionKeyPinLocked},                    // T9
		"report-lost":       {model.Suspended, model.ReportedLost, "left on the train", tHolderID, tCodeIssued, model.ActionKeyReportedLost}, // T15
		"remove-withdrawal": {model.Deactivated, model.Withdrawal, "left the company", 0, tCodeNone, model.ActionKeyRemoved},                 // T11
		"remove-broken":     {model.Deactivated, model.Broken, "does not light up", 0, tCodeNone, model.ActionKeyRemoved},
		"compromise-lost":   {model.Compromised, model.Lost, "left in a taxi", 0, tCodeNone, model.ActionKeyCompromised}, // T13
		"compromise-stolen": {model.Compromised, model.Stolen, "house burgled", 0, tCodeNone, model.ActionKeyCompromised},
	},
	model.Locked: {
		"unlock":            {model.Suspended, model.NoReason, "", tHolderID, tCodeIssued, model.ActionKeyUnlocked},                          // T6
		"report-lost":       {model.Suspended, model.ReportedLost, "left on the train", tHolderID, tCodeIssued, model.ActionKeyReportedLost}, // T15
		"remove-withdrawal": {model.Deactivated, model.Withdrawal, "left the company", 0, tCodeNone, model.ActionKeyRemoved},                 // T11
		"remove-broken":     {model.Deactivated, model.Broken, "does not light up", 0, tCodeNone, model.ActionKeyRemoved},
		"compromise-lost":   {model.Compromised, model.Lost, "left in a taxi", 0, tCodeNone, model.ActionKeyCompromised}, // T13
		"compromise-stolen": {model.Compromised, model.Stolen, "house burgled", 0, tCodeNone, model.ActionKeyCompromised},
	},
	model.Suspended: {
		"enter-code":        {model.Active, model.NoReason, "", tHolderID, tCodeNone, model.ActionKeyActivated},              // T7
		"remove-withdrawal": {model.Deactivated, model.Withdrawal, "left the company", 0, tCodeNone, model.ActionKeyRemoved}, // T11
		"remove-broken":     {model.Deactivated, model.Broken, "does not light up", 0, tCodeNone, model.ActionKeyRemoved},
		"compromise-lost":   {model.Compromised, model.Lost, "left in a taxi", 0, tCodeNone, model.ActionKeyCompromised}, // T13
		"compromise-stolen": {model.Compromised, model.Stolen, "house burgled", 0, tCodeNone, model.ActionKeyCompromised},
		"reissue":           {model.Suspended, model.NoReason, "on leave until May", tHolderID, tCodeIssued, model.ActionCodeReissued},       // T14
		"report-lost":       {model.Suspended, model.ReportedLost, "left on the train", tHolderID, tCodeIssued, model.ActionKeyReportedLost}, // T15
	},
	model.Deactivated: { // T12
		"wiped": {model.Ready, model.NoReason, "", 0, tCodeNone, model.ActionKeyWiped},
	},
	model.Compromised: {}, // final
}

// tAdminVerbs is what the refusal says an admin may do in each status.
var tAdminVerbs = map[model.Status]string{
	model.Ready:       "assigned to an employee",
	model.Reserved:    "given a new code, removed or marked compromised",
	model.Active:      "suspended, removed or marked compromised",
	model.Locked:      "unlocked, removed or marked compromised",
	model.Suspended:   "given a new code, removed or marked compromised",
	model.Deactivated: "marked wiped",
}

// tWantRefusal is the exact message for a status/event pair the table does
// not allow.
func tWantRefusal(s model.Status, kind model.EventKind) string {
	prefix := "key " + tSerial + " is " + s.String() + ": "
	switch {
	case s == model.Compromised:
		return prefix + "that is final, nothing more can be done with it"
	case kind == model.EventEnterCode && !s.HasCode():
		return prefix + "it is not waiting for an activation code"
	case kind == model.EventPinLocked:
		return prefix + "only an Active key can be locked by PIN"
	}
	return prefix + "it can be " + tAdminVerbs[s]
}

func TestTransitionMatrix(t *testing.T) {
	cases := 0
	for _, s := range tAllStatuses {
		for _, e := range tEvents {
			want, ok := tTable[s][e.name]
			name := s.String()
			if s == 0 {
				name = "none"
			}
			t.Run(name+"/"+e.name, func(t *testing.T) {
				cases++
				in := tKeyIn(s)
				before := tDeepCopy(in)
				ch, err := model.Transition(in, e.make())
				if !reflect.DeepEqual(in, before) {
					t.Fatalf("Transition modified the caller's key:\n got %+v (code %+v)\nwant %+v (code %+v)", in, in.Code, before, before.Code)
				}
				if ok {
					tCheckAccepted(t, before, ch, err, want)
				} else {
					tCheckRefused(t, before, e.kind, ch, err)
				}
			})
		}
	}
	if cases != len(tAllStatuses)*len(tEvents) {
		t.Errorf("ran %d cases, want %d", cases, len(tAllStatuses)*len(tEvents))
	}
}

func tCheckAccepted(t *testing.T, in model.Key, ch model.Change, err error, want tWant) {
	t.Helper()
	if err != nil {
		t.Fatalf("refused: %v", err)
	}
	if ch.Failure != nil {
		t.Errorf("Failure = %v, want nil", ch.Failure)
	}
	k := ch.Key
	if ch.From != in.Status {
		t.Errorf("From = %v, want %v", ch.From, in.Status)
	}
	if k.Status != want.to {
		t.Errorf("Status = %v, want %v", k.Status, want.to)
	}
	if k.Reason != want.reason {
		t.Errorf("Reason = %q, want %q", k.Reason, want.reason)
	}
	if k.Note != want.note {
		t.Errorf("Note = %q, want %q", k.Note, want.note)
	}
	if k.EmployeeID != want.employee {
		t.Errorf("EmployeeID = %d, want %d", k.EmployeeID, want.employee)
	}
	if ch.Action != want.action {
		t.Errorf("Action = %q, want %q", ch.Action, want.action)
	}
	if !k.UpdatedAt.Equal(tNow) {
		t.Errorf("UpdatedAt = %v, want %v", k.UpdatedAt, tNow)
	}
	wantImported := in.ImportedAt
	if in.Status == 0 {
		wantImported = tNow
	}
	if !k.ImportedAt.Equal(wantImported) {
		t.Errorf("ImportedAt = %v, want %v", k.ImportedAt, wantImported)
	}
	// What no transition touches.
	if k.ID != in.ID || k.Serial != in.Serial || k.MAC != in.MAC || k.Model != in.Model ||
		k.Firmware != in.Firmware || k.RFID != in.RFID || k.Rev != in.Rev {
		t.Errorf("identity fields changed: got %+v, had %+v", k, in)
	}
	switch want.code {
	case tCodeNone:
		if k.Code != nil {
			t.Errorf("Code = %+v, want none", *k.Code)
		}
	case tCodeIssued:
		tCheckFreshCode(t, k.Code, tNewDigits)
		if in.Code != nil && k.Code == in.Code {
			t.Errorf("new code shares its pointer with the caller's code")
		}
	}
	tCheckInvariants(t, k)
}

// tCheckFreshCode checks a code issued at tNow.
func tCheckFreshCode(t *testing.T, c *model.ActivationCode, digits string) {
	t.Helper()
	if c == nil {
		t.Fatalf("Code = nil, want a new code")
	}
	if !tSixDigits(c.Digits) {
		t.Errorf("Code.Digits = %q, want 6 ASCII digits", c.Digits)
	}
	if c.Digits != digits {
		t.Errorf("Code.Digits = %q, want %q (drawn from the event's Random)", c.Digits, digits)
	}
	if !c.IssuedAt.Equal(tNow) {
		t.Errorf("Code.IssuedAt = %v, want %v", c.IssuedAt, tNow)
	}
	if want := tNow.Add(7 * 24 * time.Hour); !c.ExpiresAt.Equal(want) {
		t.Errorf("Code.ExpiresAt = %v, want %v", c.ExpiresAt, want)
	}
	if c.Failures != 0 {
		t.Errorf("Code.Failures = %d, want 0", c.Failures)
	}
}

func tSixDigits(s string) bool {
	if len(s) != 6 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// tCheckInvariants checks what SPEC 2 says of every stored key: a code
// exactly while Reserved or Suspended, an employee exactly while Reserved,
// Active, Locked or Suspended, a reason only where the status takes one,
// a note only with Suspended, Deactivated and Compromised.
func tCheckInvariants(t *testing.T, k model.Key) {
	t.Helper()
	if hasCode := k.Code != nil; hasCode != (k.Status == model.Reserved || k.Status == model.Suspended) {
		t.Errorf("invariant: %v key has code = %v", k.Status, hasCode)
	}
	if tied := k.EmployeeID != 0; tied != k.Status.IsTied() {
		t.Errorf("invariant: %v key tied to employee %d", k.Status, k.EmployeeID)
	}
	reasons := map[model.Status][]model.Reason{
		model.Locked:      {model.InvalidActivationCode, model.LockedByInvalidPin},
		model.Deactivated: {model.Withdrawal, model.Broken},
		model.Compromised: {model.Lost, model.Stolen},
		model.Suspended:   {model.NoReason, model.ReportedLost},
	}
	if allowed, ok := reasons[k.Status]; ok {
		found := false
		for _, r := range allowed {
			found = found || r == k.Reason
		}
		if !found {
			t.Errorf("invariant: %v key has reason %q, want one of %v", k.Status, k.Reason, allowed)
		}
	} else if k.Reason != model.NoReason {
		t.Errorf("invariant: %v key has reason %q, want none", k.Status, k.Reason)
	}
	switch k.Status {
	case model.Suspended, model.Deactivated, model.Compromised:
	default:
		if k.Note != "" {
			t.Errorf("invariant: %v key keeps note %q; SPEC 2: a note goes only with Suspended, Deactivated and Compromised", k.Status, k.Note)
		}
	}
}

func tCheckRefused(t *testing.T, in model.Key, kind model.EventKind, ch model.Change, err error) {
	t.Helper()
	if err == nil {
		t.Fatalf("accepted (now %v, action %q), want a refusal", ch.Key.Status, ch.Action)
	}
	var r *model.Refusal
	if !errors.As(err, &r) || !model.IsRefusal(err) {
		t.Fatalf("error %T %q is not a *Refusal", err, err)
	}
	if !reflect.DeepEqual(ch, model.Change{}) {
		t.Errorf("refusal came with a change: %+v", ch)
	}
	msg := err.Error()
	if !strings.Contains(msg, tSerial) {
		t.Errorf("message %q does not name the serial %s", msg, tSerial)
	}
	if in.Status == 0 {
		return // see TestTransitionRefusalForNoKey
	}
	if want := tWantRefusal(in.Status, kind); msg != want {
		t.Errorf("message = %q\n         want %q", msg, want)
	}
	if !strings.Contains(msg, " is "+in.Status.String()+":") {
		t.Errorf("message %q does not name the status %v", msg, in.Status)
	}
}

func TestTransitionRefusalExampleFromSpec(t *testing.T) {
	k := tKeyIn(model.Active)
	_, err := model.Transition(k, model.Event{Kind: model.EventWiped, Now: tNow})
	const want = "key ABC123 is Active: it can be suspended, removed or marked compromised"
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %q", err, want)
	}
	if !model.IsRefusal(err) {
		t.Errorf("not a refusal: %T", err)
	}
}

// A key that does not exist yet accepts only an import; anything else must
// still be refused with a readable message (no empty status name).
func TestTransitionRefusalForNoKey(t *testing.T) {
	for _, kind := range tAllEventKinds {
		if kind == model.EventImport {
			continue
		}
		k := tKeyIn(0)
		_, err := model.Transition(k, model.Event{Kind: kind, Now: tNow, Random: tDigitsReader(tNewDigits)})
		if !model.IsRefusal(err) {
			t.Errorf("kind %d: err = %v, want a refusal", kind, err)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, tSerial) {
			t.Errorf("kind %d: message %q does not name the serial", kind, msg)
		}
		if strings.Contains(msg, " is :") || strings.Contains(msg, "is  ") {
			t.Errorf("kind %d: message %q names an empty status", kind, msg)
		}
	}
}

func TestTransitionUnknownEventKinds(t *testing.T) {
	for _, s := range tAllStatuses {
		for _, kind := range []model.EventKind{0, model.EventReissue + 1, 255} {
			in := tKeyIn(s)
			before := tDeepCopy(in)
			ch, err := model.Transition(in, model.Event{Kind: kind, Now: tNow, Random: tDigitsReader(tNewDigits)})
			if !model.IsRefusal(err) {
				t.Errorf("%v + kind %d: err = %v, want a refusal", s, kind, err)
			}
			if !reflect.DeepEqual(ch, model.Change{}) || !reflect.DeepEqual(in, before) {
				t.Errorf("%v + kind %d: something changed", s, kind)
			}
		}
	}
}

// Allows must agree with the table written out above, and AdminActions
// must list, in menu order, exactly the admin events that are allowed.
func TestAllowsMatchesSpecTable(t *testing.T) {
	for _, s := range tAllStatuses {
		for _, kind := range tAllEventKinds {
			want := false
			for _, e := range tEvents {
				if _, ok := tTable[s][e.name]; ok && e.kind == kind {
					want = true
				}
			}
			if got := model.Allows(s, kind); got != want {
				t.Errorf("Allows(%v, %d) = %v, want %v", s, kind, got, want)
			}
		}
	}
	wantActions := map[model.Status][]model.EventKind{
		0:                 nil,
		model.Ready:       {model.EventAssign},
		model.Reserved:    {model.EventReissue, model.EventReportLost, model.EventRemove, model.EventCompromise},
		model.Active:      {model.EventSuspend, model.EventReportLost, model.EventRemove, model.EventCompromise},
		model.Locked:      {model.EventUnlock, model.EventReportLost, model.EventRemove, model.EventCompromise},
		model.Suspended:   {model.EventReissue, model.EventReportLost, model.EventRemove, model.EventCompromise},
		model.Deactivated: {model.EventWiped},
		model.Compromised: nil,
	}
	for s, want := range wantActions {
		if got := model.AdminActions(s); !reflect.DeepEqual(got, want) {
			t.Errorf("AdminActions(%v) = %v, want %v", s, got, want)
		}
	}
	for _, ev := range model.AdminEvents {
		if ev == model.EventImport || ev == model.EventEnterCode || ev == model.EventPinLocked {
			t.Errorf("AdminEvents lists device/import event %d", ev)
		}
	}
}

// T6 and T11 from a key locked by PIN rather than by codes.
func TestTransitionFromPinLocked(t *testing.T) {
	in := tKeyIn(model.Locked)
	in.Reason = model.LockedByInvalidPin
	for _, tc := range []struct {
		name string
		ev   model.Event
		want tWant
	}{
		{"unlock", model.Event{Kind: model.EventUnlock}, tWant{model.Suspended, model.NoReason, "", tHolderID, tCodeIssued, model.ActionKeyUnlocked}},
		{"remove", model.Event{Kind: model.EventRemove, Reason: model.Withdrawal}, tWant{model.Deactivated, model.Withdrawal, "", 0, tCodeNone, model.ActionKeyRemoved}},
		{"compromise", model.Event{Kind: model.EventCompromise, Reason: model.Lost, Confirm: tSerial}, tWant{model.Compromised, model.Lost, "", 0, tCodeNone, model.ActionKeyCompromised}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.ev.Now, tc.ev.Random = tNow, tDigitsReader(tNewDigits)
			before := tDeepCopy(in)
			ch, err := model.Transition(in, tc.ev)
			tCheckAccepted(t, before, ch, err, tc.want)
		})
	}
}

// tRefusedWithoutChange runs an event that must be refused for its data and
// checks that nothing happened.
func tRefusedWithoutChange(t *testing.T, in model.Key, ev model.Event) string {
	t.Helper()
	before := tDeepCopy(in)
	ch, err := model.Transition(in, ev)
	if err == nil {
		t.Fatalf("accepted (now %v %q, note %q), want a refusal", ch.Key.Status, ch.Key.Reason, ch.Key.Note)
	}
	if !model.IsRefusal(err) {
		t.Fatalf("error %T %q is not a refusal", err, err)
	}
	if !reflect.DeepEqual(ch, model.Change{}) {
		t.Errorf("refusal came with a change: %+v", ch)
	}
	if !reflect.DeepEqual(in, before) {
		t.Errorf("caller's key modified")
	}
	return err.Error()
}

func TestAssignRefusals(t *testing.T) {
	holder := tNewHolder()
	holder.KeyID = 3
	for _, tc := range []struct {
		name     string
		employee *model.Employee
		wantIn   string
	}{
		{"nil employee", nil, "choose an employee"},
		{"employee without id", &model.Employee{FirstName: "Jane", Email: "jane@example.com"}, "choose an employee"},
		{"employee already holds a key", holder, "Jane Doe already holds a key: remove it first (one key per employee)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg := tRefusedWithoutChange(t, tKeyIn(model.Ready), model.Event{
				Kind: model.EventAssign, Now: tNow, Employee: tc.employee, Random: tDigitsReader(tNewDigits),
			})
			if !strings.Contains(msg, tc.wantIn) {
				t.Errorf("message %q does not contain %q", msg, tc.wantIn)
			}
		})
	}
}

func TestRemoveRefusals(t *testing.T) {
	for _, s := range []model.Status{model.Reserved, model.Active, model.Locked, model.Suspended} {
		for _, r := range []model.Reason{model.NoReason, model.Lost, model.Stolen, model.InvalidActivationCode, model.LockedByInvalidPin, model.Reason(99)} {
			t.Run(s.String()+"/"+r.String(), func(t *testing.T) {
				msg := tRefusedWithoutChange(t, tKeyIn(s), model.Event{Kind: model.EventRemove, Now: tNow, Reason: r})
				if want := "say why key ABC123 is removed: withdrawal or broken"; msg != want {
					t.Errorf("message = %q, want %q", msg, want)
				}
			})
		}
	}
}

// T10 vs T11: only a Reserved key withdrawn goes straight back to Ready,
// and it forgets the note; every other removal keeps reason and note.
func TestRemoveWithdrawalVsBroken(t *testing.T) {
	for _, tc := range []struct {
		from       model.Status
		reason     model.Reason
		wantStatus model.Status
		wantReason model.Reason
		wantNote   string
	}{
		{model.Reserved, model.Withdrawal, model.Ready, model.NoReason, ""},
		{model.Reserved, model.Broken, model.Deactivated, model.Broken, "why"},
		{model.Active, model.Withdrawal, model.Deactivated, model.Withdrawal, "why"},
		{model.Active, model.Broken, model.Deactivated, model.Broken, "why"},
		{model.Locked, model.Withdrawal, model.Deactivated, model.Withdrawal, "why"},
		{model.Locked, model.Broken, model.Deactivated, model.Broken, "why"},
		{model.Suspended, model.Withdrawal, model.Deactivated, model.Withdrawal, "why"},
		{model.Suspended, model.Broken, model.Deactivated, model.Broken, "why"},
	} {
		t.Run(tc.from.String()+"/"+tc.reason.String(), func(t *testing.T) {
			ch, err := model.Transition(tKeyIn(tc.from), model.Event{Kind: model.EventRemove, Now: tNow, Reason: tc.reason, Note: "  why  "})
			if err != nil {
				t.Fatal(err)
			}
			k := ch.Key
			if k.Status != tc.wantStatus || k.Reason != tc.wantReason || k.Note != tc.wantNote || k.EmployeeID != 0 || k.Code != nil {
				t.Errorf("got %v %q note %q employee %d code %v; want %v %q note %q, untied, no code",
					k.Status, k.Reason, k.Note, k.EmployeeID, k.Code, tc.wantStatus, tc.wantReason, tc.wantNote)
			}
		})
	}
}

func TestCompromiseConfirmAndReason(t *testing.T) {
	for _, s := range []model.Status{model.Reserved, model.Active, model.Locked, model.Suspended} {
		for _, tc := range []struct {
			confirm string
			reason  model.Reason
			ok      bool
			wantMsg string
		}{
			{"ABC123", model.Lost, true, ""},
			{"abc123", model.Stolen, true, ""},
			{"AbC123", model.Lost, true, ""},
			{"  ABC123\t", model.Lost, true, ""},
			{"", model.Lost, false, "to mark key ABC123 compromised, type its serial ABC123 to confirm"},
			{"ABC12", model.Lost, false, "to mark key ABC123 compromised, type its serial ABC123 to confirm"},
			{"ABC1234", model.Stolen, false, "to mark key ABC123 compromised, type its serial ABC123 to confirm"},
			{"XYZ789", model.Stolen, false, "to mark key ABC123 compromised, type its serial ABC123 to confirm"},
			{"ABC 123", model.Stolen, false, "to mark key ABC123 compromised, type its serial ABC123 to confirm"},
			{"ABC123", model.NoReason, false, "say why key ABC123 is compromised: lost or stolen"},
			{"ABC123", model.Withdrawal, false, "say why key ABC123 is compromised: lost or stolen"},
			{"ABC123", model.Broken, false, "say why key ABC123 is compromised: lost or stolen"},
			{"ABC123", model.InvalidActivationCode, false, "say why key ABC123 is compromised: lost or stolen"},
		} {
			t.Run(s.String()+"/"+tc.confirm+"/"+tc.reason.String(), func(t *testing.T) {
				ev := model.Event{Kind: model.EventCompromise, Now: tNow, Reason: tc.reason, Confirm: tc.confirm}
				if !tc.ok {
					if msg := tRefusedWithoutChange(t, tKeyIn(s), ev); msg != tc.wantMsg {
						t.Errorf("message = %q, want %q", msg, tc.wantMsg)
					}
					return
				}
				ch, err := model.Transition(tKeyIn(s), ev)
				if err != nil {
					t.Fatal(err)
				}
				if ch.Key.Status != model.Compromised || ch.Key.Reason != tc.reason || ch.Key.EmployeeID != 0 || ch.Key.Code != nil {
					t.Errorf("got %+v", ch.Key)
				}
			})
		}
	}
}

// Notes go through the same check as every text field: trimmed, limited,
// no control or bidi characters.
func TestNotesChecked(t *testing.T) {
	long := strings.Repeat("é", 501)
	bad := map[string]string{
		"ESC":          "clear\x1b[2J",
		"newline":      "line\nbreak",
		"tab":          "a\tb",
		"CR":           "a\rb",
		"NUL":          "a\x00b",
		"DEL":          "a\x7fb",
		"C1 CSI":       "a\u009b2J",
		"RLO":          "a\u202eb",
		"LRI":          "a\u2066b",
		"invalid utf8": "a\xffb",
		"too long":     long,
	}
	events := map[string]func(note string) (model.Status, model.Event){
		"suspend": func(n string) (model.Status, model.Event) {
			return model.Active, model.Event{Kind: model.EventSuspend, Now: tNow, Note: n, Random: tDigitsReader(tNewDigits)}
		},
		"remove": func(n string) (model.Status, model.Event) {
			return model.Active, model.Event{Kind: model.EventRemove, Now: tNow, Reason: model.Broken, Note: n}
		},
		"compromise": func(n string) (model.Status, model.Event) {
			return model.Active, model.Event{Kind: model.EventCompromise, Now: tNow, Reason: model.Lost, Confirm: tSerial, Note: n}
		},
	}
	for evName, mk := range events {
		for badName, note := range bad {
			t.Run(evName+"/"+badName, func(t *testing.T) {
				s, ev := mk(note)
				msg := tRefusedWithoutChange(t, tKeyIn(s), ev)
				if !strings.HasPrefix(msg, "note ") {
					t.Errorf("message %q does not name the note", msg)
				}
				if strings.ContainsAny(msg, "\x1b\x00\x7f\u009b\u202e\u2066") {
					t.Errorf("message %q echoes a control character", msg)
				}
			})
		}
		for _, ok := range []struct{ in, want string }{
			{"  spaced  ", "spaced"},
			{strings.Repeat("é", 500), strings.Repeat("é", 500)},
			{"Zoë's key, 山田", "Zoë's key, 山田"},
			{"", ""},
		} {
			t.Run(evName+"/ok", func(t *testing.T) {
				s, ev := mk(ok.in)
				ch, err := model.Transition(tKeyIn(s), ev)
				if err != nil {
					t.Fatal(err)
				}
				if ch.Key.Note != ok.want {
					t.Errorf("Note = %q, want %q", ch.Key.Note, ok.want)
				}
			})
		}
	}
}

// A failing random source is an error of the machine, not a refusal, and
// nothing changes.
func TestTransitionRandomFailure(t *testing.T) {
	for _, tc := range []struct {
		from model.Status
		ev   model.Event
	}{
		{model.Ready, model.Event{Kind: model.EventAssign, Employee: tNewHolder()}},
		{model.Active, model.Event{Kind: model.EventSuspend}},
		{model.Locked, model.Event{Kind: model.EventUnlock}},
		{model.Reserved, model.Event{Kind: model.EventReissue}},
		{model.Suspended, model.Event{Kind: model.EventReissue}},
	} {
		t.Run(tc.from.String(), func(t *testing.T) {
			in := tKeyIn(tc.from)
			before := tDeepCopy(in)
			tc.ev.Now, tc.ev.Random = tNow, strings.NewReader("")
			ch, err := model.Transition(in, tc.ev)
			if err == nil {
				t.Fatalf("accepted with an empty random stream: %+v", ch.Key)
			}
			if model.IsRefusal(err) {
				t.Errorf("a broken random source is reported as a refusal: %v", err)
			}
			if !reflect.DeepEqual(ch, model.Change{}) || !reflect.DeepEqual(in, before) {
				t.Errorf("something changed")
			}
		})
	}
}

// Changing the result must never reach back into the caller's key.
func TestTransitionResultDoesNotAliasInput(t *testing.T) {
	for _, tc := range []struct {
		from model.Status
		ev   model.Event
	}{
		{model.Reserved, model.Event{Kind: model.EventEnterCode, Code: "000000"}},
		{model.Suspended, model.Event{Kind: model.EventEnterCode, Code: "000000"}},
		{model.Reserved, model.Event{Kind: model.EventReissue}},
		{model.Suspended, model.Event{Kind: model.EventReissue}},
	} {
		in := tKeyIn(tc.from)
		before := tDeepCopy(in)
		tc.ev.Now, tc.ev.Random = tNow, tDigitsReader(tNewDigits)
		ch, err := model.Transition(in, tc.ev)
		if err != nil {
			t.Fatal(err)
		}
		if ch.Key.Code == nil || ch.Key.Code == in.Code {
			t.Fatalf("%v/%d: result code %p shares the input's %p", tc.from, tc.ev.Kind, ch.Key.Code, in.Code)
		}
		ch.Key.Code.Digits, ch.Key.Code.Failures = "999999", 99
		if !reflect.DeepEqual(in, before) {
			t.Errorf("%v/%d: editing the result changed the caller's key", tc.from, tc.ev.Kind)
		}
	}
}

func TestKeyClone(t *testing.T) {
	k := tKeyIn(model.Reserved)
	c := k.Clone()
	if !reflect.DeepEqual(c, k) {
		t.Fatalf("clone differs")
	}
	if c.Code == k.Code {
		t.Fatalf("clone shares the code")
	}
	c.Code.Failures = 3
	if k.Code.Failures != 1 {
		t.Errorf("editing the clone's code changed the original")
	}
	if n := tKeyIn(model.Active).Clone(); n.Code != nil {
		t.Errorf("clone of a key without code has one")
	}
}

// A key's whole life, each step fed by the previous one's result.
func TestTransitionLifeOfAKey(t *testing.T) {
	holder := tNewHolder()
	type step struct {
		ev         model.Event
		wantStatus model.Status
		wantAction model.Action
		failure    bool
	}
	code := func() string { return tNewDigits }
	steps := []step{
		{model.Event{Kind: model.EventImport}, model.Ready, model.ActionKeyImported, false},
		{model.Event{Kind: model.EventAssign, Employee: holder}, model.Reserved, model.ActionKeyAssigned, false},
		{model.Event{Kind: model.EventEnterCode, Code: "111111"}, model.Reserved, model.ActionCodeRejected, true},
		{model.Event{Kind: model.EventEnterCode, Code: "031 337"}, model.Active, model.ActionKeyActivated, false},
		{model.Event{Kind: model.EventSuspend, Note: "audit"}, model.Suspended, model.ActionKeySuspended, false},
		{model.Event{Kind: model.EventEnterCode, Code: "031-337"}, model.Active, model.ActionKeyActivated, false},
		{model.Event{Kind: model.EventPinLocked}, model.Locked, model.ActionKeyPinLocked, false},
		{model.Event{Kind: model.EventUnlock}, model.Suspended, model.ActionKeyUnlocked, false},
		{model.Event{Kind: model.EventReissue}, model.Suspended, model.ActionCodeReissued, false},
		{model.Event{Kind: model.EventEnterCode, Code: code()}, model.Active, model.ActionKeyActivated, false},
		{model.Event{Kind: model.EventRemove, Reason: model.Broken, Note: "cracked"}, model.Deactivated, model.ActionKeyRemoved, false},
		{model.Event{Kind: model.EventWiped}, model.Ready, model.ActionKeyWiped, false},
		{model.Event{Kind: model.EventAssign, Employee: holder}, model.Reserved, model.ActionKeyAssigned, false},
		{model.Event{Kind: model.EventRemove, Reason: model.Withdrawal}, model.Ready, model.ActionKeyRemoved, false},
		{model.Event{Kind: model.EventAssign, Employee: holder}, model.Reserved, model.ActionKeyAssigned, false},
		{model.Event{Kind: model.EventCompromise, Reason: model.Stolen, Confirm: "abc123"}, model.Compromised, model.ActionKeyCompromised, false},
	}
	k := model.Key{ID: tKeyID, Serial: tSerial}
	for i, st := range steps {
		st.ev.Now, st.ev.Random = tNow.Add(time.Duration(i)*time.Minute), tDigitsReader(tNewDigits)
		ch, err := model.Transition(k, st.ev)
		if err != nil {
			t.Fatalf("step %d (%v + %d): %v", i, k.Status, st.ev.Kind, err)
		}
		if (ch.Failure != nil) != st.failure {
			t.Fatalf("step %d: Failure = %v", i, ch.Failure)
		}
		if ch.Key.Status != st.wantStatus || ch.Action != st.wantAction || ch.From != k.Status {
			t.Fatalf("step %d: %v -> %v (%q), want %v -> %v (%q)", i, ch.From, ch.Key.Status, ch.Action, k.Status, st.wantStatus, st.wantAction)
		}
		tCheckInvariants(t, ch.Key)
		k = ch.Key
	}
	// Compromised is final: every event is refused.
	for _, e := range tEvents {
		if _, err := model.Transition(k, e.make()); !model.IsRefusal(err) {
			t.Errorf("Compromised + %s: err = %v, want a refusal", e.name, err)
		}
	}
}

func TestRefusalType(t *testing.T) {
	r := &model.Refusal{Msg: "no"}
	if r.Error() != "no" {
		t.Errorf("Error() = %q", r.Error())
	}
	wrapped := errors.Join(errors.New("context"), r)
	if !model.IsRefusal(wrapped) {
		t.Errorf("IsRefusal does not see a wrapped refusal")
	}
	if model.IsRefusal(errors.New("disk full")) || model.IsRefusal(nil) {
		t.Errorf("IsRefusal true for a plain error or nil")
	}
}

// A key reported lost waits for an admin: no code is entered, shown or
// reissued; only removing it or marking it compromised ends the wait,
// and a refusal says so.
func TestReportedLostWaitsForAnAdmin(t *testing.T) {
	k := tKeyIn(model.Active)
	ch, err := model.Transition(k, tEv(model.EventReportLost, func(e *model.Event) { e.Note = "left on the train" })())
	if err != nil {
		t.Fatal(err)
	}
	lost := ch.Key
	if !model.IsReportedLost(lost.Status, lost.Reason) || lost.Note != "left on the train" {
		t.Fatalf("reported lost: %v %v %q", lost.Status, lost.Reason, lost.Note)
	}
	for _, e := range tEvents {
		_, err := model.Transition(lost, e.make())
		switch e.kind {
		case model.EventRemove, model.EventCompromise:
			if err != nil {
				t.Errorf("%s on a key reported lost: %v", e.name, err)
			}
		default:
			want := "key " + tSerial + " was reported lost and waits for an admin: it can be removed or marked compromised"
			if err == nil || err.Error() != want {
				t.Errorf("%s on a key reported lost: %v, want %q", e.name, err, want)
			}
		}
	}
	if _, err := model.Transition(k, tEv(model.EventReportLost, nil)()); err == nil || !strings.Contains(err.Error(), "what the caller said") {
		t.Errorf("report lost without the caller's words: %v", err)
	}
}
