package model

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// UnsafeRune reports runes that would act on a terminal or reorder text
// instead of being shown: C0/C1 controls, DEL, bidirectional overrides and
// marks, and the stand-in for invalid UTF-8. Printable replaces them; an
// export that must stay exact escapes them instead.
func UnsafeRune(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f,
		r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	case r == utf8.RuneError:
		return true
	}
	return false
}

// Printable makes text from the database safe to put on a terminal: every
// control or bidi character becomes a visible stand-in, so an escape
// sequence in a name is shown, never executed.
func Printable(s string) string {
	clean := true
	for _, r := range s {
		if UnsafeRune(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x20:
			b.WriteRune(0x2400 + r) // ␛ for ESC, ␇ for BEL, ...
		case r == 0x7f:
			b.WriteRune('␡')
		case UnsafeRune(r):
			b.WriteRune('�')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// checkText trims a field and checks its length and characters.
func checkText(field, value string, max int, required bool) (string, error) {
	if plainASCII(value) && len(value) <= max {
		return value, nil // what checkAnyText returns, without its work (an import checks 500,000 fields)
	}
	return checkAnyText(field, value, max, required)
}

func checkAnyText(field, value string, max int, required bool) (string, error) {
	// A no-break space comes with text pasted from documents: it is a space.
	value = strings.TrimSpace(strings.ReplaceAll(value, "\u00a0", " "))
	if value == "" {
		if required {
			return "", fmt.Errorf("%s is required", field)
		}
		return "", nil
	}
	if !utf8.ValidString(value) {
		return "", fmt.Errorf("%s is not valid text", field)
	}
	for _, r := range value {
		if UnsafeRune(r) || (unicode.IsSpace(r) && r != ' ') {
			return "", fmt.Errorf("%s may not contain control characters", field)
		}
		if unicode.Is(unicode.Cf, r) {
			// Zero-width and other invisible characters would make two
			// names that look the same count as different.
			return "", fmt.Errorf("%s may not contain invisible characters (such as a zero-width space)", field)
		}
	}
	if n := utf8.RuneCountInString(value); n > max {
		return "", fmt.Errorf("%s is too long (%d characters, at most %d)", field, n, max)
	}
	return value, nil
}

// plainASCII reports text of printable ASCII that starts and ends with no
// space: nothing to trim, replace or refuse, one character a byte.
func plainASCII(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
