package smtptest

import (
	"io"
	"strings"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

var (
	errAuthRequired  = &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	errSenderRefused = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Sender not allowed"}
	errNoSuchUser    = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user here"}
)

// session is one client connection; it applies the server's Options and
// hands each accepted message to the server.
type session struct {
	srv    *Server
	authed bool
	from   string
	to     []string
}

func (s *session) AuthMechanisms() []string {
	if s.srv.opts.User == "" {
		return nil // no AUTH advertised, like a relay that needs no login
	}
	if len(s.srv.opts.AuthMechanisms) > 0 {
		return s.srv.opts.AuthMechanisms
	}
	return []string{sasl.Plain, sasl.Login}
}

func (s *session) Auth(mech string) (sasl.Server, error) {
	check := func(user, password string) error {
		if s.srv.opts.User == "" || user != s.srv.opts.User || password != s.srv.opts.Password {
			return smtp.ErrAuthFailed
		}
		s.authed = true
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(_, user, password string) error { return check(user, password) }), nil
	case sasl.Login:
		return &loginServer{check: check}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.srv.opts.User != "" && !s.authed {
		return errAuthRequired
	}
	if s.srv.opts.RefuseSender != "" && strings.EqualFold(from, s.srv.opts.RefuseSender) {
		return errSenderRefused
	}
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.srv.opts.RefuseRecipient != "" && strings.EqualFold(to, s.srv.opts.RefuseRecipient) {
		return errNoSuchUser
	}
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.srv.record(Message{From: s.from, To: append([]string(nil), s.to...), Data: data})
	return nil
}

func (s *session) Reset() { s.from, s.to = "", nil }

func (s *session) Logout() error { return nil }

var _ smtp.AuthSession = (*session)(nil)
