package mailer

import "time"

// WithTimeout returns the sender with its cap on a whole send set to d
// instead of 10 seconds, so that tests of a hung server stay fast.
func (s Sender) WithTimeout(d time.Duration) Sender {
	s.timeout = d
	return s
}
