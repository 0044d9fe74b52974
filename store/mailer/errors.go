package mailer

import (
	"errors"
	"strings"
)

// ErrorKind says what went wrong, so a screen can suggest the right fix.
type ErrorKind int

const (
	KindOther            ErrorKind = iota
	KindSettings                   // the SMTP settings are missing or invalid
	KindInvalidRecipient           // the address to send to is not an e-mail address
	KindUnreachable                // nothing answers at host:port
	KindTLS                        // STARTTLS missing, certificate not trusted, handshake failed
	KindAuth                       // login refused, not offered, or required
	KindSenderRefused              // MAIL FROM refused
	KindRecipientRefused           // RCPT TO refused
	KindTimeout                    // the server took too long
	KindCanceled                   // the caller gave up
)

var kindNames = [...]string{"other", "settings", "invalid recipient", "unreachable", "tls", "auth",
	"sender refused", "recipient refused", "timeout", "canceled"}

func (k ErrorKind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "other"
}

// NoServer is the one place "no mail server" is said: ErrNoServer and
// every face's words for it are made of it.
const NoServer = "no mail server"

// ErrNoServer is sending before a mail server is set up; the faces add
// where to set one up.
var ErrNoServer = errors.New(NoServer + " is set up")

// SendError is every error Send and SendTest return.
type SendError struct {
	Kind ErrorKind
	Msg  string // one short sentence for the admin; never holds the code or the password
	Err  error  // the cause, for diagnosis; scrubbed of the code and the password
}

// Error is only the admin's sentence: the cause's Go-style prefixes would
// mean nothing on a screen.
func (e *SendError) Error() string { return e.Msg }

func (e *SendError) Unwrap() error { return e.Err }

// scrub makes sure no secret can leak through a cause's text (a server
// echoing a line, say). It gives up the cause's type only when it must.
func scrub(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	text := err.Error()
	leaked := false
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			text = strings.ReplaceAll(text, s, "[redacted]")
			leaked = true
		}
	}
	if !leaked {
		return err
	}
	return errors.New(text)
}
