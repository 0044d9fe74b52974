package model_test

import (
	"testing"

	"github.com/keydesk/keydesk/model"
)

// The formula prefix is undone exactly where an export adds it.
func TestFormulaPrefixRoundTrip(t *testing.T) {
	for _, v := range []string{"", "plain", "+44 20", "=SUM(A1)", "-2", "@x", "'", "''", "'quoted", "'+x", "it's", "O'Neil", "\t"} {
		written := v
		if model.NeedsFormulaPrefix(v) {
			written = "'" + v
		}
		if got := model.UndoFormulaPrefix(written); got != v {
			t.Errorf("%q written %q reads back %q", v, written, got)
		}
	}
	// A hand-made file: a lone ' before text is the text's.
	for cell, want := range map[string]string{"'abc": "'abc", "'+44": "+44", "'": "'", "'=1": "=1"} {
		if got := model.UndoFormulaPrefix(cell); got != want {
			t.Errorf("%q reads %q, want %q", cell, got, want)
		}
	}
}
