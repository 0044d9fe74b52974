package cli

import (
	"errors"
	"net/mail"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/mailer"
)

// errNoMailServer is what e-mailing says before any mail server is set up:
// where to set one up.
var errNoMailServer = errors.New("no mail server is set up: configure one with keydesk settings smtp --host HOST --from ADDRESS")

// mailSender sends through the saved settings, trusting the roots and
// keeping to the time limit of the environment.
func (a *app) mailSender(settings model.SMTPSettings) mailer.Sender {
	sender := mailer.Sender{Settings: settings, RootCAs: a.env.MailRootCAs}
	if a.env.MailTimeout > 0 {
		sender = sender.WithTimeout(a.env.MailTimeout)
	}
	return sender
}

// validAddress reports whether s is one e-mail address ("ann@example.com"
// or "Ann Lee <ann@example.com>").
func validAddress(s string) bool {
	_, err := mail.ParseAddress(s)
	return err == nil
}
