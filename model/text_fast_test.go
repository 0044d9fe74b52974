package model

import (
	"math/rand/v2"
	"testing"
)

// The shortcuts for plain text answer what the full checks answer.
func TestPlainTextShortcuts(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte(" -_:.aZ09AF\t\x7f\x00é")
	for range 20000 {
		b := make([]byte, rng.IntN(20))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		s := string(b)
		if plainASCII(s) {
			got, err := checkText("f", s, 10, true)
			want, werr := checkAnyText("f", s, 10, true)
			if got != want || (err == nil) != (werr == nil) {
				t.Fatalf("checkText(%q) = %q, %v; the full checks say %q, %v", s, got, err, want, werr)
			}
		}
	}
	for _, mac := range []string{"AA:BB:CC:DD:EE:FF", "00:11:22:33:44:55", "AA:BB:CC:DD:EE:FG", "aa:bb:cc:dd:ee:ff", "AA-BB-CC-DD-EE-FF", "AABBCC:DD:EE:FF:"} {
		if canonicalMAC(mac) {
			if got, err := NormalizeMAC(mac + " "); got != mac || err != nil { // the space takes it past the shortcut
				t.Errorf("canonical %q normalizes to %q, %v", mac, got, err)
			}
		}
	}
}
