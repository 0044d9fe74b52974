package e2e

import (
	"fmt"
	"math"
	"testing"

	"github.com/anishathalye/porcupine"
)

// keyModel is one key's life as the chaos clients drive it, for
// porcupine (one partition per key): the transition table of SPEC 2.1
// for the events the clients send, with the key's current code and its
// count of wrong entries. A key is only ever assigned to its own
// employee, so the employee's state follows the key's and the keys are
// independent.
//
// An operation whose outcome the client could not learn (a cut
// connection, a timeout, the cluster's "may or may not have been saved")
// returns at +inf and may or may not have happened. One the cluster
// answered "nothing was saved" must not have happened. A refusal names
// the status the key was in, and that status must be the key's.

type keyState struct {
	status   string // Ready, Reserved, Active, Locked, Suspended, Deactivated
	code     string // the code of a Reserved or Suspended key; "" = not known (it came from an unknown answer)
	failures int    // wrong entries of that code
}

// keyInput is one client operation on one key.
type keyInput struct {
	serial string
	op     string // assign, activate, code, reissue, suspend, unlock, pin-locked, remove, wiped; read (the final check)
	code   string // activate: the code typed
}

// Outcome kinds of an operation as the client saw it.
const (
	outOK      = "ok"      // done; code holds the code printed, now the status it printed
	outRefused = "refused" // the key's status did not allow it: now holds the status named
	outWrong   = "wrong"   // a wrong code counted: left attempts left
	outLocked  = "locked"  // a wrong code that locked the key
	outNothing = "nothing" // the cluster said nothing was saved
	outUnknown = "unknown" // no answer that says
)

type keyOutput struct {
	kind string
	code string // a code printed (assign, code, reissue, suspend, unlock)
	now  string // the status printed (ok of remove, wiped, pin-locked; refused)
	left int    // wrong: attempts left
}

// unknownReturn is the return time of an operation of unknown outcome.
const unknownReturn = math.MaxInt64

// effect is what an operation does to a key when it is applied: the key
// after it, and what the client is answered.
type effect struct {
	next keyState
	out  keyOutput
}

var hasCode = map[string]bool{"Reserved": true, "Suspended": true}

// effects lists what applying in to st may do (more than one when the
// key's code is not known).
func effects(st keyState, in keyInput) []effect {
	refused := []effect{{st, keyOutput{kind: outRefused, now: st.status}}}
	issued := func(status string) []effect {
		return []effect{{keyState{status: status}, keyOutput{kind: outOK}}} // code: filled by match
	}
	switch in.op {
	case "assign":
		if st.status == "Ready" {
			return issued("Reserved")
		}
		return refused
	case "code":
		if hasCode[st.status] {
			return []effect{{st, keyOutput{kind: outOK, code: st.code}}}
		}
		return refused
	case "reissue":
		if hasCode[st.status] {
			return issued(st.status)
		}
		return refused
	case "suspend":
		if st.status == "Active" {
			return issued("Suspended")
		}
		return refused
	case "unlock":
		if st.status == "Locked" {
			return issued("Suspended")
		}
		return refused
	case "pin-locked":
		if st.status == "Active" {
			return []effect{{keyState{status: "Locked"}, keyOutput{kind: outOK, now: "Locked"}}}
		}
		return refused
	case "remove":
		switch st.status {
		case "Reserved":
			return []effect{{keyState{status: "Ready"}, keyOutput{kind: outOK, now: "Ready"}}}
		case "Active", "Locked", "Suspended":
			return []effect{{keyState{status: "Deactivated"}, keyOutput{kind: outOK, now: "Deactivated"}}}
		}
		return refused
	case "wiped":
		if st.status == "Deactivated" {
			return []effect{{keyState{status: "Ready"}, keyOutput{kind: outOK, now: "Ready"}}}
		}
		return refused
	case "activate":
		if !hasCode[st.status] {
			return refused
		}
		var out []effect
		if st.code == "" || st.code == in.code {
			out = append(out, effect{keyState{status: "Active"}, keyOutput{kind: outOK}})
		}
		if st.code != in.code {
			wrong := st
			wrong.failures++
			if wrong.failures >= 3 {
				out = append(out, effect{keyState{status: "Locked"}, keyOutput{kind: outLocked}})
			} else {
				out = append(out, effect{wrong, keyOutput{kind: outWrong, left: 3 - wrong.failures}})
			}
		}
		return out
	case "read":
		return []effect{{st, keyOutput{kind: outOK, now: st.status}}}
	}
	return nil
}

// issuesCode: the operations whose answer is a new code.
var issuesCode = map[string]bool{"assign": true, "reissue": true, "suspend": true, "unlock": true}

// step is the model's step: the states the key may be in after in
// answered out.
func step(st keyState, in keyInput, out keyOutput) []keyState {
	switch out.kind {
	case outNothing:
		return []keyState{st}
	case outUnknown:
		next := []keyState{st}
		for _, e := range effects(st, in) {
			if in.op == "code" && e.out.kind == outOK {
				continue // showing changes nothing but the trail
			}
			next = append(next, e.next) // a code it issued stays unknown ("")
		}
		return next
	}
	var next []keyState
	for _, e := range effects(st, in) {
		if e.out.kind != out.kind {
			continue
		}
		switch out.kind {
		case outRefused:
			if e.out.now != out.now {
				continue
			}
		case outWrong:
			if e.out.left != out.left {
				continue
			}
		case outOK:
			if e.out.now != "" && e.out.now != out.now {
				continue
			}
			switch {
			case issuesCode[in.op]:
				e.next.code = out.code
			case in.op == "code":
				if st.code != "" && st.code != out.code {
					continue // another code than the key's
				}
				e.next.code = out.code // learnt
			}
		}
		next = append(next, e.next)
	}
	return next
}

var keyModel = porcupine.NondeterministicModel{
	Partition: func(history []porcupine.Operation) [][]porcupine.Operation {
		bySerial := map[string][]porcupine.Operation{}
		var order []string
		for _, op := range history {
			s := op.Input.(keyInput).serial
			if _, ok := bySerial[s]; !ok {
				order = append(order, s)
			}
			bySerial[s] = append(bySerial[s], op)
		}
		var parts [][]porcupine.Operation
		for _, s := range order {
			parts = append(parts, bySerial[s])
		}
		return parts
	},
	Init: func() []interface{} { return []interface{}{keyState{status: "Ready"}} },
	Step: func(state, input, output interface{}) []interface{} {
		var out []interface{}
		for _, s := range step(state.(keyState), input.(keyInput), output.(keyOutput)) {
			out = append(out, s)
		}
		return out
	},
	DescribeOperation: func(input, output interface{}) string {
		in, out := input.(keyInput), output.(keyOutput)
		s := in.op + " " + in.serial
		if in.code != "" {
			s += " " + in.code
		}
		switch out.kind {
		case outOK:
			return fmt.Sprintf("%s -> ok %s%s", s, out.code, out.now)
		case outRefused:
			return fmt.Sprintf("%s -> refused (%s)", s, out.now)
		case outWrong:
			return fmt.Sprintf("%s -> wrong, %d left", s, out.left)
		}
		return s + " -> " + out.kind
	},
	DescribeState: func(state interface{}) string {
		st := state.(keyState)
		return fmt.Sprintf("%s code=%q failures=%d", st.status, st.code, st.failures)
	},
}

// TestKeyModelCatchesWhatChaosLooksFor: the chaos run's checker refuses
// the histories a broken cluster would write (a code forked, a key
// assigned twice, an acknowledged write lost, a refusal from a stale
// status, "nothing saved" that was saved) and accepts unknown outcomes
// either way.
func TestKeyModelCatchesWhatChaosLooksFor(t *testing.T) {
	op := func(call, ret int64, in keyInput, out keyOutput) porcupine.Operation {
		return porcupine.Operation{Input: in, Call: call, Output: out, Return: ret}
	}
	assign := keyInput{serial: "A", op: "assign"}
	ok := func(code string) keyOutput { return keyOutput{kind: outOK, code: code} }
	model := keyModel.ToModel()
	accepted := map[string][]porcupine.Operation{
		"assign, activate": {
			op(0, 1, assign, ok("111111")),
			op(2, 3, keyInput{serial: "A", op: "activate", code: "111111"}, ok("")),
			op(4, 5, keyInput{serial: "A", op: "read"}, keyOutput{kind: outOK, now: "Active"}),
		},
		"an unknown assign that applied": {
			op(0, unknownReturn, assign, keyOutput{kind: outUnknown}),
			op(5, 6, assign, keyOutput{kind: outRefused, now: "Reserved"}),
			op(7, 8, keyInput{serial: "A", op: "code"}, ok("222222")),
			op(9, 10, keyInput{serial: "A", op: "activate", code: "222222"}, ok("")),
		},
		"an unknown assign that did not": {
			op(0, unknownReturn, assign, keyOutput{kind: outUnknown}),
			op(5, 6, keyInput{serial: "A", op: "read"}, keyOutput{kind: outOK, now: "Ready"}),
		},
		"three wrong codes lock": {
			op(0, 1, assign, ok("111111")),
			op(2, 3, keyInput{serial: "A", op: "activate", code: "000000"}, keyOutput{kind: outWrong, left: 2}),
			op(2, 3, keyInput{serial: "A", op: "activate", code: "000001"}, keyOutput{kind: outWrong, left: 1}),
			op(4, 5, keyInput{serial: "A", op: "activate", code: "000002"}, keyOutput{kind: outLocked}),
			op(6, 7, keyInput{serial: "A", op: "unlock"}, ok("333333")),
			op(8, 9, keyInput{serial: "A", op: "remove"}, keyOutput{kind: outOK, now: "Deactivated"}),
			op(10, 11, keyInput{serial: "A", op: "wiped"}, keyOutput{kind: outOK, now: "Ready"}),
		},
	}
	for name, h := range accepted {
		if !porcupine.CheckOperations(model, h) {
			t.Errorf("%s: a linearizable history was refused", name)
		}
	}
	refused := map[string][]porcupine.Operation{
		"a forked code": {
			op(0, 1, assign, ok("111111")),
			op(2, 3, keyInput{serial: "A", op: "activate", code: "222222"}, ok("")),
		},
		"assigned twice": {
			op(0, 1, assign, ok("111111")),
			op(2, 3, assign, ok("333333")),
		},
		"an acknowledged write lost": {
			op(0, 1, assign, ok("111111")),
			op(2, 3, keyInput{serial: "A", op: "read"}, keyOutput{kind: outOK, now: "Ready"}),
		},
		"a stale refusal": {
			op(0, 1, assign, ok("111111")),
			op(2, 3, keyInput{serial: "A", op: "suspend"}, keyOutput{kind: outRefused, now: "Ready"}),
		},
		"nothing saved, but saved": {
			op(0, 1, assign, keyOutput{kind: outNothing}),
			op(2, 3, keyInput{serial: "A", op: "read"}, keyOutput{kind: outOK, now: "Reserved"}),
		},
		"an old code shown": {
			op(0, 1, assign, ok("111111")),
			op(2, 3, keyInput{serial: "A", op: "reissue"}, ok("444444")),
			op(4, 5, keyInput{serial: "A", op: "code"}, ok("111111")),
		},
	}
	for name, h := range refused {
		if porcupine.CheckOperations(model, h) {
			t.Errorf("%s: accepted, want refused", name)
		}
	}
}
