package mailer

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"

	"github.com/keydesk/keydesk/model"
)

// classify turns what go-mail returned into the admin's sentence. The
// order matters: a closed connection after a timeout is a timeout, and a
// refusal during the send is never a login problem.
func classify(ctx context.Context, err error, s model.SMTPSettings, to string, login *passwordLogin) *SendError {
	addr := net.JoinHostPort(s.Host, fmt.Sprint(s.Port))
	kind, msg := KindOther, "sending through the mail server "+addr+" failed"
	var (
		dialErr   *dialError
		sendErr   *mail.SendError
		netErr    net.Error
		hostErr   x509.HostnameError
		certErr   *tls.CertificateVerificationError
		unknownCA x509.UnknownAuthorityError
	)
	switch {
	case errors.Is(context.Cause(ctx), errSendTimeout):
		kind, msg = KindTimeout, "the mail server did not answer within 10 seconds"
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		kind, msg = KindTimeout, "the mail server did not answer in time"
	case errors.Is(ctx.Err(), context.Canceled):
		kind, msg = KindCanceled, "sending the e-mail was cancelled"
	case errors.As(err, &dialErr):
		kind, msg = KindUnreachable, "cannot reach the mail server "+addr
	case errors.As(err, &hostErr):
		kind, msg = KindTLS, "the certificate of the mail server "+addr+" is not valid for "+s.Host
	case errors.As(err, &certErr), errors.As(err, &unknownCA):
		kind, msg = KindTLS, "the certificate of the mail server "+addr+" is not trusted"
	case s.TLS == model.TLSStartTLS && strings.Contains(err.Error(), "not support STARTTLS"):
		// go-mail has no typed error for this one.
		kind, msg = KindTLS, "the mail server "+addr+" does not offer STARTTLS; check the TLS mode and port"
	case isHandshakeFailure(err):
		kind, msg = KindTLS, "TLS with the mail server "+addr+" failed; check the TLS mode and port"
	case errors.Is(err, smtp.ErrUnencrypted):
		kind, msg = KindTLS, "the password would travel unencrypted; set the TLS mode to starttls or tls"
	case errors.As(err, &sendErr):
		kind, msg = classifyRefusal(sendErr, s, to, addr)
	case errors.Is(err, errNoPasswordLogin):
		kind, msg = KindAuth, "the mail server offers no password login here; check the TLS mode, or clear the user name"
	case login != nil && login.started:
		kind, msg = KindAuth, "the mail server refused the user name or password"
	case errors.As(err, &netErr) && netErr.Timeout():
		kind, msg = KindTimeout, "the mail server did not answer within 10 seconds"
	}
	return &SendError{Kind: kind, Msg: msg}
}

// classifyRefusal reads a refusal the server gave while taking the message.
func classifyRefusal(e *mail.SendError, s model.SMTPSettings, to, addr string) (ErrorKind, string) {
	switch e.Reason {
	case mail.ErrSMTPMailFrom:
		if e.ErrorCode() == 530 { // RFC 4954: authentication required
			return KindAuth, "the mail server requires a login; set a user name and password"
		}
		return KindSenderRefused, "the mail server refused the sender " + s.From
	case mail.ErrSMTPRcptTo:
		return KindRecipientRefused, "the mail server refused the recipient " + to
	}
	if code := e.ErrorCode(); code != 0 {
		return KindOther, fmt.Sprintf("the mail server %s refused the message (%d)", addr, code)
	}
	return KindOther, "the mail server " + addr + " refused the message"
}

// isHandshakeFailure recognises TLS going wrong below the certificate
// checks: the other side not speaking TLS, or sending an alert.
func isHandshakeFailure(err error) bool {
	var (
		handshake *handshakeError
		record    tls.RecordHeaderError
		alert     tls.AlertError
		opErr     *net.OpError
	)
	return errors.As(err, &handshake) || errors.As(err, &record) || errors.As(err, &alert) ||
		(errors.As(err, &opErr) && opErr.Op == "remote error") // how crypto/tls reports a peer's alert
}
