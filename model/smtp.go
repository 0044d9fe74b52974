package model

import (
	"fmt"
	"net"
	"net/mail"
	"unicode"
)

// TLSMode is how the connection to the mail server is protected.
type TLSMode string

const (
	TLSStartTLS TLSMode = "starttls" // plain connect, then STARTTLS is required
	TLSImplicit TLSMode = "tls"      // TLS from the first byte (usually port 465)
	TLSNone     TLSMode = "none"     // no encryption; only for a trusted relay
)

// Valid reports whether m is one of the known modes.
func (m TLSMode) Valid() bool {
	return m == TLSStartTLS || m == TLSImplicit || m == TLSNone
}

// DefaultPort is the usual port for the mode, to prefill a settings form.
func (m TLSMode) DefaultPort() int {
	switch m {
	case TLSImplicit:
		return 465
	case TLSNone:
		return 25
	default:
		return 587
	}
}

// SMTPSettings say how to reach the mail server that sends activation codes.
// The zero value means no mail server: codes are only shown on screen.
type SMTPSettings struct {
	Host     string
	Port     int
	TLS      TLSMode
	From     string // "keydesk@example.com" or "IT desk <keydesk@example.com>"
	User     string // empty: send without logging in
	Password string
}

// Configured reports whether a mail server has been set up at all.
func (s SMTPSettings) Configured() bool {
	return s.Host != "" && s.From != ""
}

// Validate checks settings that are meant to be used for sending. It
// returns the first problem, worded for the admin filling in the form.
func (s SMTPSettings) Validate() error {
	if err := checkMailHost(s.Host); err != nil {
		return err
	}
	if s.Port < 1 || s.Port > 65535 {
		return fmt.Errorf("port must be between 1 and 65535")
	}
	if !s.TLS.Valid() {
		return fmt.Errorf("TLS mode must be starttls, tls or none")
	}
	if s.From == "" {
		return fmt.Errorf("sender address is required")
	}
	if _, err := mail.ParseAddress(s.From); err != nil {
		return fmt.Errorf("sender address %q is not a valid e-mail address", Printable(s.From))
	}
	if _, err := checkText("user name", s.User, maxEmail, false); err != nil {
		return err
	}
	return nil
}

func checkMailHost(host string) error {
	if host == "" {
		return fmt.Errorf("mail server host is required")
	}
	for _, r := range host {
		if UnsafeRune(r) || unicode.IsSpace(r) {
			return fmt.Errorf("mail server host must not contain spaces or control characters")
		}
	}
	// "smtp.example.com:587" is a common slip. A bare IPv6 address does not
	// split, so only a real host:port is caught here.
	if _, _, err := net.SplitHostPort(host); err == nil {
		return fmt.Errorf("mail server host must not include the port; put it in the port field")
	}
	return nil
}
