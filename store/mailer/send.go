// Package mailer e-mails activation codes through the configured SMTP
// server, and reports failures in words an admin can act on.
package mailer

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"time"

	"github.com/wneessen/go-mail"

	"github.com/keydesk/keydesk/model"
)

// sendTimeout caps a whole send, connect to goodbye, so a hung server
// never freezes the screen that asked for it.
const sendTimeout = 10 * time.Second

var errSendTimeout = errors.New("mail server did not answer within 10 seconds")

// Sender sends through one mail server.
type Sender struct {
	Settings model.SMTPSettings
	// RootCAs verifies the server's certificate; nil means the system's
	// roots. Tests pass the pool of their own server.
	RootCAs *x509.CertPool

	timeout time.Duration // tests shorten it; 0 means sendTimeout
}

// Send e-mails an activation code. Every error is a *SendError.
func (s Sender) Send(ctx context.Context, m CodeMessage) error {
	if m.Code == "" {
		return &SendError{Kind: KindOther, Msg: "there is no activation code to send"}
	}
	text, html, err := codeBodies(m)
	if err != nil {
		return &SendError{Kind: KindOther, Msg: "could not write the e-mail", Err: scrub(err, m.Code)}
	}
	return s.deliver(ctx, m.To, codeSubject, text, html, m.Code, model.GroupCode(m.Code))
}

// SendTest sends a message with no code, to check the settings. Every
// error is a *SendError.
func (s Sender) SendTest(ctx context.Context, to string) error {
	return s.deliver(ctx, to, testSubject, testText, "")
}

// deliver sends one message. secrets are scrubbed from any error, along
// with the password.
func (s Sender) deliver(ctx context.Context, to, subject, text, html string, secrets ...string) error {
	set := s.Settings
	secrets = append(secrets, set.Password)
	if !set.Configured() {
		return &SendError{Kind: KindSettings, Msg: ErrNoServer.Error(), Err: ErrNoServer}
	}
	if err := set.Validate(); err != nil {
		return &SendError{Kind: KindSettings, Msg: "mail settings: " + err.Error(), Err: err}
	}

	msg := mail.NewMsg()
	if err := msg.From(set.From); err != nil {
		return &SendError{Kind: KindSettings, Msg: "mail settings: the sender address is not valid", Err: err}
	}
	if err := msg.To(to); err != nil {
		return &SendError{Kind: KindInvalidRecipient, Msg: "not a valid e-mail address: " + to, Err: err}
	}
	msg.Subject(subject)
	msg.SetUserAgent("keydesk")
	msg.SetBodyString(mail.TypeTextPlain, text)
	if html != "" {
		msg.AddAlternativeString(mail.TypeTextHTML, html)
	}

	timeout := s.timeout
	if timeout == 0 {
		timeout = sendTimeout
	}
	ctx, cancel := context.WithTimeoutCause(ctx, timeout, errSendTimeout)
	defer cancel()

	d := &dialer{
		sendCtx:     ctx,
		implicitTLS: set.TLS == model.TLSImplicit,
		tlsConfig:   &tls.Config{ServerName: set.Host, RootCAs: s.RootCAs, MinVersion: tls.VersionTLS12},
	}
	defer d.close()
	var login *passwordLogin
	if set.User != "" {
		login = &passwordLogin{user: set.User, password: set.Password, host: set.Host}
	}

	client, err := mail.NewClient(set.Host, clientOptions(set, d, login, timeout)...)
	if err == nil {
		err = dialAndSend(ctx, client, msg)
	}
	if err != nil {
		e := classify(ctx, err, set, to, login)
		if ctx.Err() != nil {
			// "use of closed network connection" alone would hide why.
			err = errors.Join(context.Cause(ctx), err)
		}
		e.Err = scrub(err, secrets...)
		return e
	}
	return nil
}

func clientOptions(set model.SMTPSettings, d *dialer, login *passwordLogin, timeout time.Duration) []mail.Option {
	opts := []mail.Option{
		mail.WithDialContextFunc(d.DialContext),
		mail.WithTLSConfig(d.tlsConfig),
		mail.WithTimeout(timeout), // socket deadlines; the dialer handles the context
	}
	switch set.TLS {
	case model.TLSStartTLS:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case model.TLSImplicit:
		opts = append(opts, mail.WithSSL()) // the dialer does the handshake; this skips STARTTLS
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	}
	opts = append(opts, mail.WithPort(set.Port)) // after WithSSL, which may pick its own port
	if login != nil {
		opts = append(opts, mail.WithSMTPAuthCustom(login))
	}
	return opts
}

// dialAndSend is go-mail's DialAndSendWithContext minus one flaw: once the
// server has taken the message, a failed goodbye is not a failed send.
func dialAndSend(ctx context.Context, c *mail.Client, msg *mail.Msg) error {
	conn, err := c.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return err
	}
	if err := c.SendWithSMTPClient(conn, msg); err != nil {
		return err
	}
	_ = c.CloseWithSMTPClient(conn)
	return nil
}
