package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestCSVCellNeutralisesFormulas(t *testing.T) {
	for in, want := range map[string]string{
		"=1+1":                 "'=1+1",
		"+44 20 7946 0001":     "'+44 20 7946 0001",
		"-2+3":                 "'-2+3",
		"@SUM(A1)":             "'@SUM(A1)",
		"\t=1+1":               "'␉=1+1",
		"\r=1+1":               "'␍=1+1",
		"Ann":                  "Ann",
		"a=b":                  "a=b",
		"":                     "",
		" =1":                  " =1",
		"\x1b]52;c;x\x07":      "␛]52;c;x␇",
		"O'Neil":               "O'Neil",
		"ST-1":                 "ST-1",
		"=HYPERLINK(\"http\")": "'=HYPERLINK(\"http\")",
	} {
		if got := csvCell(in); got != want {
			t.Errorf("csvCell(%q) = %q, want %q", in, got, want)
		}
	}
}

// Every rune model.UnsafeRune names comes out of a JSON export as a \u
// escape, and the JSON still reads back as the same string.
func TestJSONEscapesC1AndBidi(t *testing.T) {
	var unsafe []rune
	for r := rune(0x7f); r <= 0x9f; r++ {
		unsafe = append(unsafe, r)
	}
	unsafe = append(unsafe, 0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e,
		0x2066, 0x2067, 0x2068, 0x2069)
	for _, r := range unsafe {
		value := "a" + string(r) + "é"
		encoded, err := json.Marshal(map[string]string{"name": value})
		if err != nil {
			t.Fatal(err)
		}
		out := escapeUnsafeRunes(encoded)
		if strings.ContainsRune(string(out), r) {
			t.Errorf("U+%04X is written raw: %s", r, out)
		}
		if !strings.Contains(string(out), `\u`) {
			t.Errorf("U+%04X: no \\u escape in %s", r, out)
		}
		var back map[string]string
		if err := json.Unmarshal(out, &back); err != nil || back["name"] != value {
			t.Errorf("U+%04X: %s reads back as %q (%v), want %q", r, out, back["name"], err, value)
		}
	}
	plain := []byte(`{"name":"Zoë Ångström 李"}`)
	if got := escapeUnsafeRunes(plain); string(got) != string(plain) {
		t.Errorf("ordinary text changed: %s", got)
	}
}
