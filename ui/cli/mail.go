package cli

import (
	"fmt"
	"net/mail"

	"github.com/keydesk/keydesk/store"
)

// errNoMailServer is what e-mailing says before any mail server is set up:
// where to set one up.
var errNoMailServer = fmt.Errorf("%w: configure one with keydesk settings smtp --host HOST --from ADDRESS", store.ErrNoMailServer)

// mailOptions send trusting the roots and keeping to the time limit of
// the environment.
func (a *app) mailOptions() store.MailOptions {
	return store.MailOptions{RootCAs: a.env.MailRootCAs, Timeout: a.env.MailTimeout}
}

// validAddress reports whether s is one e-mail address ("ann@example.com"
// or "Ann Lee <ann@example.com>").
func validAddress(s string) bool {
	_, err := mail.ParseAddress(s)
	return err == nil
}
