package model

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/sethvargo/go-password/password"
)

const (
	// CodeLength is the number of decimal digits in an activation code.
	CodeLength = 6
	// CodeValidity is how long a code works after it was issued.
	CodeValidity = 7 * 24 * time.Hour
	// MaxCodeFailures wrong entries lock the key.
	MaxCodeFailures = 3
)

// ActivationCode is the secret an employee types on the key's first
// connection (or after a suspension). It lives only while the key is
// Reserved or Suspended.
type ActivationCode struct {
	Digits    string
	IssuedAt  time.Time
	ExpiresAt time.Time
	Failures  int // wrong entries so far
}

// NewActivationCode draws a fresh code. random nil means crypto/rand;
// tests pass a fixed stream.
func NewActivationCode(now time.Time, random io.Reader) (ActivationCode, error) {
	gen, err := password.NewGenerator(&password.GeneratorInput{
		LowerLetters: "-", // go-password needs non-empty sets; none are drawn
		UpperLetters: "-",
		Symbols:      "-",
		Digits:       "0123456789",
		Reader:       random,
	})
	if err != nil {
		return ActivationCode{}, err
	}
	digits, err := gen.Generate(CodeLength, CodeLength, 0, true, true)
	if err != nil {
		return ActivationCode{}, fmt.Errorf("drawing an activation code: %w", err)
	}
	return ActivationCode{Digits: digits, IssuedAt: now, ExpiresAt: now.Add(CodeValidity)}, nil
}

// AttemptsLeft is how many wrong entries the key still takes before it
// locks.
func (c ActivationCode) AttemptsLeft() int { return max(MaxCodeFailures-c.Failures, 0) }

// Expired reports whether the code no longer works at now.
func (c ActivationCode) Expired(now time.Time) bool { return !now.Before(c.ExpiresAt) }

// Matches compares in constant time so that timing says nothing about how
// many digits were right.
func (c ActivationCode) Matches(entered string) bool {
	if len(c.Digits) != CodeLength {
		return false // a damaged or empty code never matches
	}
	return subtle.ConstantTimeCompare([]byte(c.Digits), []byte(entered)) == 1
}

// ErrCodeFormat is returned for an entry that cannot be a code at all.
var ErrCodeFormat = errors.New("an activation code is 6 digits")

// NormalizeCodeEntry accepts what people type ("482 913", "482-913").
func NormalizeCodeEntry(entered string) (string, error) {
	var b strings.Builder
	for _, r := range entered {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-':
		default:
			return "", ErrCodeFormat
		}
	}
	if b.Len() != CodeLength {
		return "", ErrCodeFormat
	}
	return b.String(), nil
}

// GroupCode writes a code as 3 + 3 digits ("482 913") for reading aloud.
func GroupCode(digits string) string {
	if len(digits) != CodeLength {
		return digits
	}
	return digits[:3] + " " + digits[3:]
}

var digitWords = [...]string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}

// SpellCode spells a code for the phone: "four eight two — nine one three".
func SpellCode(digits string) string {
	words := make([]string, 0, len(digits)+1)
	for i, r := range digits {
		if i == 3 {
			words = append(words, "—")
		}
		if r >= '0' && r <= '9' {
			words = append(words, digitWords[r-'0'])
		}
	}
	return strings.Join(words, " ")
}
