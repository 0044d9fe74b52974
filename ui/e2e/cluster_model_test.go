package e2e

import (
	"fmt"
	"math"
	"testing"

	"github.com/anishathalye/porcupine"
)

// keyModel is one key's life as the chaos clients drive it, for
// porcupine: Ready -> (assign, a code) -> Reserved -> (activate with that
// code) -> Active. An operation whose outcome the client could not learn
// (a cut connection, a timeout) returns at +inf and may or may not have
// happened.

type keyState struct {
	status string // Ready, Reserved, Active
	code   string // the code a Reserved key waits for; "" = any (an unknown assign)
}

type keyInput struct {
	serial, op, code string // op: assign or activate
}

type keyOutput struct {
	ok      bool
	unknown bool
	code    string // assign's answer
}

// unknownReturn is the return time of an operation of unknown outcome.
const unknownReturn = math.MaxInt64

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
		st, in, out := state.(keyState), input.(keyInput), output.(keyOutput)
		var next []interface{}
		if out.unknown {
			next = append(next, st) // not applied
		}
		switch in.op {
		case "assign":
			if st.status == "Ready" {
				switch {
				case out.unknown:
					next = append(next, keyState{status: "Reserved"})
				case out.ok:
					next = append(next, keyState{status: "Reserved", code: out.code})
				}
			} else if !out.ok && !out.unknown {
				next = append(next, st) // refused: not Ready
			}
		case "activate":
			right := st.status == "Reserved" && (st.code == "" || st.code == in.code)
			switch {
			case right && (out.ok || out.unknown):
				next = append(next, keyState{status: "Active"})
			case !right && !out.ok && !out.unknown:
				next = append(next, st)
			}
		}
		return next
	},
	DescribeOperation: func(input, output interface{}) string {
		in, out := input.(keyInput), output.(keyOutput)
		switch {
		case out.unknown:
			return fmt.Sprintf("%s %s -> ?", in.op, in.serial)
		case in.op == "assign" && out.ok:
			return fmt.Sprintf("assign %s -> %s", in.serial, out.code)
		}
		return fmt.Sprintf("%s %s %s -> %v", in.op, in.serial, in.code, out.ok)
	},
}

// TestKeyModelCatchesAForkedCode: the chaos run's checker refuses a
// history in which a key activates with another code than the one its
// assignment answered, and accepts unknown outcomes either way.
func TestKeyModelCatchesAForkedCode(t *testing.T) {
	op := func(call, ret int64, in keyInput, out keyOutput) porcupine.Operation {
		return porcupine.Operation{Input: in, Call: call, Output: out, Return: ret}
	}
	model := keyModel.ToModel()
	good := []porcupine.Operation{
		op(0, 1, keyInput{serial: "A", op: "assign"}, keyOutput{ok: true, code: "111111"}),
		op(2, 3, keyInput{serial: "A", op: "activate", code: "111111"}, keyOutput{ok: true}),
		op(0, unknownReturn, keyInput{serial: "B", op: "assign"}, keyOutput{unknown: true}),
		op(5, 6, keyInput{serial: "B", op: "assign"}, keyOutput{ok: false}), // the unknown one had applied
	}
	if !porcupine.CheckOperations(model, good) {
		t.Fatal("a linearizable history was refused")
	}
	forked := []porcupine.Operation{
		op(0, 1, keyInput{serial: "A", op: "assign"}, keyOutput{ok: true, code: "111111"}),
		op(2, 3, keyInput{serial: "A", op: "activate", code: "222222"}, keyOutput{ok: true}),
	}
	if porcupine.CheckOperations(model, forked) {
		t.Fatal("an activation with another code than the one assigned was accepted")
	}
	twice := []porcupine.Operation{
		op(0, 1, keyInput{serial: "A", op: "assign"}, keyOutput{ok: true, code: "111111"}),
		op(2, 3, keyInput{serial: "A", op: "assign"}, keyOutput{ok: true, code: "333333"}),
	}
	if porcupine.CheckOperations(model, twice) {
		t.Fatal("a key assigned twice was accepted")
	}
}
