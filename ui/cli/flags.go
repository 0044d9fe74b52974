package cli

import (
	"fmt"
	"strings"

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

// reasonFlag reads a status reason with one of the model's parsers.
type reasonFlag struct {
	reason model.Reason
	words  string
	parse  func(string) (model.Reason, error)
}

func (r *reasonFlag) Set(s string) error {
	reason, err := r.parse(s)
	if err != nil {
		return err
	}
	r.reason = reason
	return nil
}

func (r *reasonFlag) String() string {
	if r.reason == model.NoReason {
		return ""
	}
	return strings.ToLower(r.reason.String())
}

func (r *reasonFlag) Type() string { return r.words }
