package store

import (
	"context"
	"crypto/x509"
	"fmt"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/mailer"
)

// Sending e-mail is a store operation like any other: the role check, the
// settings as saved, the send, and for a code the audit entry of the
// attempt, sent or not. The faces only say where mail is set up.

// ErrNoMailServer is e-mailing before a mail server is set up
// (errors.Is); the faces add where to set one up.
var ErrNoMailServer = mailer.ErrNoServer

// NoMailServer says there is no mail server, for a face's shorter words
// ("e-mail (no mail server: ask an admin)").
const NoMailServer = mailer.NoServer

// MailOptions are how this process reaches mail servers.
type MailOptions struct {
	RootCAs *x509.CertPool // trusted for the server's certificate; nil = the system's
	Timeout time.Duration  // one send at most; 0 = the mailer's 10 seconds
}

func (o MailOptions) sender(settings model.SMTPSettings) mailer.Sender {
	sender := mailer.Sender{Settings: settings, RootCAs: o.RootCAs}
	if o.Timeout > 0 {
		sender = sender.WithTimeout(o.Timeout)
	}
	return sender
}

// EmailCode e-mails the code an admin is looking at to to, and records the
// attempt, sent or not, in the audit trail (never the code). The role is
// checked before anything leaves: a role changed while the code was on
// screen must not let it be mailed.
func (s *Store) EmailCode(ctx context.Context, who model.Actor, view CodeView, to string, opt MailOptions) error {
	if err := s.Check(who, model.OpKeyCodeEmail); err != nil {
		return err
	}
	settings, _, err := s.SMTPSettings()
	if err != nil {
		return err
	}
	sendErr := error(ErrNoMailServer)
	if settings.Configured() {
		sendErr = opt.sender(settings).Send(ctx, mailer.CodeMessage{
			To: to, EmployeeName: view.Employee, Serial: view.Serial, Code: view.Digits, Expires: view.ExpiresAt.UTC(),
		})
	}
	if err := s.RecordCodeEmail(who, view.Serial, to, sendErr); err != nil {
		if sendErr == nil {
			return fmt.Errorf("the code was e-mailed to %s, but recording it in the audit trail failed: %v", to, err)
		}
		return err
	}
	return sendErr
}

// SendTestMail sends a message with no code through the saved settings,
// to check them.
func (s *Store) SendTestMail(ctx context.Context, who model.Actor, to string, opt MailOptions) error {
	if err := s.Check(who, model.OpSettingsTest); err != nil {
		return err
	}
	settings, _, err := s.SMTPSettings()
	if err != nil {
		return err
	}
	if !settings.Configured() {
		return ErrNoMailServer
	}
	return opt.sender(settings).SendTest(ctx, to)
}
