package mailer

import (
	"errors"
	"slices"
	"strings"

	"github.com/wneessen/go-mail/smtp"
)

var errNoPasswordLogin = errors.New("server offers neither AUTH PLAIN nor AUTH LOGIN")

// passwordLogin logs in with PLAIN, or LOGIN when that is all the server
// offers. It notes that the login began, so a failure from here on is
// reported as a refused login rather than a vague error.
type passwordLogin struct {
	user, password, host string
	started              bool
	inner                smtp.Auth
}

func (a *passwordLogin) Start(server *smtp.ServerInfo) (string, []byte, error) {
	a.started = true
	switch {
	case offers(server.Auth, "PLAIN"):
		a.inner = smtp.PlainAuth("", a.user, a.password, a.host, false)
	case offers(server.Auth, "LOGIN"):
		a.inner = smtp.LoginAuth(a.user, a.password, a.host, false)
	default:
		return "", nil, errNoPasswordLogin
	}
	// Both refuse to send the password over an unencrypted line
	// (loopback aside): smtp.ErrUnencrypted.
	return a.inner.Start(server)
}

// offers ignores case: mechanism names are case-insensitive (RFC 4954).
func offers(mechanisms []string, want string) bool {
	return slices.ContainsFunc(mechanisms, func(m string) bool { return strings.EqualFold(m, want) })
}

func (a *passwordLogin) Next(fromServer []byte, more bool) ([]byte, error) {
	return a.inner.Next(fromServer, more)
}
