package serve

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/anmitsu/go-shlex"
)

func TestSplitCommand(t *testing.T) {
	for _, c := range []struct {
		line string
		want []string
	}{
		{"", nil},
		{"   \t ", nil},
		{"key code SN-1", []string{"key", "code", "SN-1"}},
		{"  key   code\tSN-1  ", []string{"key", "code", "SN-1"}},
		{"key rfid SN-1 ''", []string{"key", "rfid", "SN-1", ""}},
		{`key rfid SN-1 ""`, []string{"key", "rfid", "SN-1", ""}},
		{`employee add --first 'Anne Marie' --last "O'Neil"`, []string{"employee", "add", "--first", "Anne Marie", "--last", "O'Neil"}},
		{`a"b c"d`, []string{"ab cd"}},
		{`"a \" b \\ c \x"`, []string{`a " b \ c \x`}},
		{`a\ b \'c`, []string{"a b", "'c"}},
		{"é 'ü ß'", []string{"é", "ü ß"}},
	} {
		got, err := splitCommand(c.line)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("splitCommand(%q) = %q, %v; want %q", c.line, got, err, c.want)
		}
	}
	for _, bad := range []string{`'`, `key code 'SN`, `"`, `key "code`, `key code \`, `"a\`, `"a\"`} {
		if got, err := splitCommand(bad); err == nil {
			t.Errorf("splitCommand(%q) = %q, want an error", bad, got)
		}
	}
}

// TestSplitCommandReadsAsShlex: on lines go-shlex reads without an error,
// splitCommand gives its words, and the empty quoted words go-shlex drops;
// on lines go-shlex refuses, it refuses too.
func TestSplitCommandReadsAsShlex(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	alphabet := []string{"a", "b", "-", " ", "\t", "'", `"`, `\`, "é", "="}
	checked := 0
	for range 200_000 {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		line := b.String()
		want, wantErr := shlex.Split(line, true)
		got, err := splitCommand(line)
		if wantErr != nil {
			if err == nil {
				t.Fatalf("%q: go-shlex refuses it (%v), splitCommand gives %q", line, wantErr, got)
			}
			continue
		}
		checked++
		if err != nil {
			t.Fatalf("%q: go-shlex reads %q, splitCommand refuses it: %v", line, want, err)
		}
		if nonEmpty := slices.DeleteFunc(slices.Clone(got), func(w string) bool { return w == "" }); !slices.Equal(nonEmpty, want) && !(len(nonEmpty) == 0 && len(want) == 0) {
			t.Fatalf("%q: go-shlex reads %q, splitCommand %q", line, want, got)
		}
	}
	if checked < 50_000 {
		t.Fatalf("only %d lines go-shlex reads: the test covers too little", checked)
	}
}
