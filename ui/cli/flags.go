package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/keydesk/keydesk/model"
)

// choice is a flag that takes one of a few words; any other word is a
// usage error when the command line is read, before anything runs.
type choice struct {
	value   string
	allowed []string
}

func newChoice(def string, allowed ...string) *choice {
	return &choice{value: def, allowed: allowed}
}

func (c *choice) Set(s string) error {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, w := range c.allowed {
		if s == w {
			c.value = s
			return nil
		}
	}
	return fmt.Errorf("must be %s, not %q", strings.Join(c.allowed, " or "), s)
}

func (c *choice) String() string { return c.value }
func (c *choice) Type() string   { return strings.Join(c.allowed, "|") }

// parsed is a flag read with one of the model's parsers (a role, a
// reason, a date), so that a word the model does not take is a usage
// error. Unset, it shows as "".
type parsed[T comparable] struct {
	value T
	words string // what help says it takes
	parse func(string) (T, error)
	show  func(T) string
}

func (p *parsed[T]) Set(s string) error {
	v, err := p.parse(s)
	if err != nil {
		return err
	}
	p.value = v
	return nil
}

func (p *parsed[T]) String() string {
	var unset T
	if p.value == unset {
		return ""
	}
	return p.show(p.value)
}

func (p *parsed[T]) Type() string { return p.words }

// roleFlag reads a role with the model's parser.
func roleFlag() *parsed[model.Role] {
	return &parsed[model.Role]{words: "admin|helpdesk|auditor", parse: model.ParseRole, show: model.Role.String}
}

// reasonFlag reads a status reason with one of the model's parsers.
func reasonFlag(words string, parse func(string) (model.Reason, error)) *parsed[model.Reason] {
	return &parsed[model.Reason]{words: words, parse: parse, show: func(r model.Reason) string { return strings.ToLower(r.String()) }}
}

// licenceFlag reads an end date with the model's parser, so that a date
// that is no date is a usage error.
func licenceFlag() *parsed[time.Time] {
	return &parsed[time.Time]{words: "YYYY-MM-DD", parse: model.ParseLicenceDate, show: model.FormatLicenceDate}
}
