package model_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/keydesk/keydesk/model"
)

func TestCodeConstants(t *testing.T) {
	if model.CodeLength != 6 || model.CodeValidity != 7*24*time.Hour || model.MaxCodeFailures != 3 {
		t.Errorf("CodeLength %d, CodeValidity %v, MaxCodeFailures %d; SPEC 2.2 says 6, 168h, 3",
			model.CodeLength, model.CodeValidity, model.MaxCodeFailures)
	}
}

// The helper the transition tests use to fix the drawn digits.
func TestDigitsReaderDrawsWhatItSays(t *testing.T) {
	for _, want := range []string{tNewDigits, tOldDigits, "000000", "000001", "100000", "999999", "012345"} {
		c, err := model.NewActivationCode(tNow, tDigitsReader(want))
		if err != nil {
			t.Fatalf("%s: %v", want, err)
		}
		if c.Digits != want {
			t.Errorf("drew %q, want %q (has go-password's draw order changed?)", c.Digits, want)
		}
	}
}

func TestNewActivationCodeCryptoRand(t *testing.T) {
	seen := make(map[string]bool)
	for i := 0; i < 1000; i++ {
		c, err := model.NewActivationCode(tNow, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !tSixDigits(c.Digits) {
			t.Fatalf("draw %d: %q is not 6 ASCII digits", i, c.Digits)
		}
		if !c.IssuedAt.Equal(tNow) || !c.ExpiresAt.Equal(tNow.Add(7*24*time.Hour)) || c.Failures != 0 {
			t.Fatalf("draw %d: %+v", i, c)
		}
		seen[c.Digits] = true
	}
	// 1000 draws from 10^6 codes: about 0.5 collisions expected.
	if len(seen) < 990 {
		t.Errorf("only %d distinct codes in 1000 draws", len(seen))
	}
}

// With a seeded stream, the draws are reproducible, every digit appears in
// every position, and codes with leading zeros come out (as they must: a
// code is a string of digits, not a number).
func TestNewActivationCodeSeededDistribution(t *testing.T) {
	draw := func(seed byte) []string {
		r := tSeededReader(seed)
		var out []string
		for i := 0; i < 1000; i++ {
			c, err := model.NewActivationCode(tNow, r)
			if err != nil {
				t.Fatal(err)
			}
			if !tSixDigits(c.Digits) {
				t.Fatalf("%q is not 6 ASCII digits", c.Digits)
			}
			out = append(out, c.Digits)
		}
		return out
	}
	a, b := draw(1), draw(1)
	if strings.Join(a, ",") != strings.Join(b, ",") {
		t.Fatalf("same seed, different codes")
	}
	if strings.Join(a, ",") == strings.Join(draw(2), ",") {
		t.Fatalf("different seeds, same codes")
	}
	var perPos [6][10]int
	leadingZero := 0
	for _, d := range a {
		for i := 0; i < 6; i++ {
			perPos[i][d[i]-'0']++
		}
		if d[0] == '0' {
			leadingZero++
		}
	}
	for i := range perPos {
		for digit, n := range perPos[i] {
			// expected 100 each; 40 is far below any plausible deviation
			if n < 40 {
				t.Errorf("digit %d at position %d drawn %d times in 1000", digit, i, n)
			}
		}
	}
	if leadingZero == 0 {
		t.Errorf("no code with a leading zero in 1000 draws")
	}
}

func TestNewActivationCodeLeadingZeros(t *testing.T) {
	c, err := model.NewActivationCode(tNow, bytes.NewReader(make([]byte, 64)))
	if err != nil {
		t.Fatal(err)
	}
	if c.Digits != "000000" {
		t.Errorf("all-zero stream drew %q, want 000000", c.Digits)
	}
	c, err = model.NewActivationCode(tNow, tDigitsReader("007007"))
	if err != nil || c.Digits != "007007" {
		t.Errorf("drew %q, %v; want 007007", c.Digits, err)
	}
}

func TestNewActivationCodeReaderErrors(t *testing.T) {
	boom := errors.New("entropy exhausted")
	for name, r := range map[string]*bytes.Reader{"empty": bytes.NewReader(nil), "short": bytes.NewReader([]byte{1, 2, 1})} {
		if _, err := model.NewActivationCode(tNow, r); err == nil {
			t.Errorf("%s stream: no error", name)
		}
	}
	if _, err := model.NewActivationCode(tNow, iotest.ErrReader(boom)); !errors.Is(err, boom) {
		t.Errorf("err = %v, want it to wrap %v", err, boom)
	}
}

func TestActivationCodeExpired(t *testing.T) {
	c, err := model.NewActivationCode(tNow, tDigitsReader(tOldDigits))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		at   time.Time
		want bool
	}{
		{tNow, false},
		{tNow.Add(-time.Hour), false},
		{tNow.Add(7*24*time.Hour - time.Nanosecond), false},
		{tNow.Add(7 * 24 * time.Hour), true},
		{tNow.Add(7*24*time.Hour + time.Nanosecond), true},
		{tNow.Add(365 * 24 * time.Hour), true},
		// Same instant in another zone.
		{tNow.Add(7 * 24 * time.Hour).In(time.FixedZone("UTC+2", 2*3600)), true},
	} {
		if got := c.Expired(tc.at); got != tc.want {
			t.Errorf("Expired(%v) = %v, want %v", tc.at, got, tc.want)
		}
	}
}

func TestActivationCodeMatches(t *testing.T) {
	c := model.ActivationCode{Digits: "482913"}
	for _, tc := range []struct {
		entered string
		want    bool
	}{
		{"482913", true},
		{"482914", false},
		{"582913", false},
		{"48291", false},
		{"4829130", false},
		{"", false},
		{"482 913", false}, // Matches takes the normalised entry
		{"284913", false},
	} {
		if got := c.Matches(tc.entered); got != tc.want {
			t.Errorf("Matches(%q) = %v, want %v", tc.entered, got, tc.want)
		}
	}
	// A stored code with no digits (damaged data) can never be matched
	// through the activation procedure, whose entries are always 6 digits.
	damaged := tKeyIn(model.Reserved)
	damaged.Code.Digits = ""
	for _, typed := range []string{"", "000000", "      "} {
		ch, err := model.Transition(damaged, model.Event{Kind: model.EventEnterCode, Now: tNow, Code: typed})
		if err == nil && ch.Key.Status == model.Active {
			t.Errorf("a key whose code has no digits was activated by %q", typed)
		}
	}
	z := model.ActivationCode{Digits: "000123"}
	if !z.Matches("000123") || z.Matches("123") {
		t.Errorf("leading zeros are not significant")
	}
}

func TestNormalizeCodeEntry(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"482913", "482913", true},
		{"482 913", "482913", true},
		{"482-913", "482913", true},
		{" 482913 ", "482913", true},
		{"4 8 2 9 1 3", "482913", true},
		{"48-29-13", "482913", true},
		{"482 - 913", "482913", true},
		{"000000", "000000", true},
		{"012345", "012345", true},
		{"", "", false},
		{"   ", "", false},
		{"---", "", false},
		{"48291", "", false},
		{"4829134", "", false},
		{"482 9134", "", false},
		{"48291a", "", false},
		{"482.913", "", false},
		{"482_913", "", false},
		{"482\t913", "", false},
		{"482913\n", "", false},
		{"482\u00a0913", "", false}, // no-break space
		{"４８２９１３", "", false},       // fullwidth digits
		{"٤٨٢٩١٣", "", false},       // Arabic-Indic digits
		{"+482913", "", false},
		{"482913\x00", "", false},
		{"\xff482913", "", false},
	} {
		got, err := model.NormalizeCodeEntry(tc.in)
		if tc.ok {
			if err != nil || got != tc.want {
				t.Errorf("NormalizeCodeEntry(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
			continue
		}
		if !errors.Is(err, model.ErrCodeFormat) || got != "" {
			t.Errorf("NormalizeCodeEntry(%q) = %q, %v; want ErrCodeFormat", tc.in, got, err)
		}
	}
	if model.ErrCodeFormat.Error() != "an activation code is 6 digits" {
		t.Errorf("ErrCodeFormat = %q", model.ErrCodeFormat)
	}
}

func TestGroupCode(t *testing.T) {
	for in, want := range map[string]string{
		"482913":  "482 913",
		"000123":  "000 123",
		"031337":  "031 337",
		"12345":   "12345",
		"1234567": "1234567",
		"":        "",
	} {
		if got := model.GroupCode(in); got != want {
			t.Errorf("GroupCode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSpellCode(t *testing.T) {
	for in, want := range map[string]string{
		"482913": "four eight two — nine one three",
		"000000": "zero zero zero — zero zero zero",
		"715036": "seven one five — zero three six",
		"031337": "zero three one — three three seven",
		"123456": "one two three — four five six",
		"987650": "nine eight seven — six five zero",
	} {
		if got := model.SpellCode(in); got != want {
			t.Errorf("SpellCode(%q) = %q, want %q", in, got, want)
		}
	}
	// Every digit has its word.
	words := []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}
	for d, w := range words {
		in := strings.Repeat(string(rune('0'+d)), 6)
		want := strings.Join([]string{w, w, w, "—", w, w, w}, " ")
		if got := model.SpellCode(in); got != want {
			t.Errorf("SpellCode(%q) = %q, want %q", in, got, want)
		}
	}
}
