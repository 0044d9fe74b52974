// Package smtptest runs a real SMTP server on 127.0.0.1 for tests, so code
// that sends mail can be tested end to end without a network.
//
//	srv := smtptest.Start(t, smtptest.Options{TLS: model.TLSStartTLS})
//	err := mailer.Sender{Settings: srv.Settings(), RootCAs: srv.RootCAs}.Send(ctx, msg)
//	got := srv.Messages()
package smtptest

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/keydesk/keydesk/model"
)

// From is the sender address Settings puts in.
const From = "keydesk@keydesk.test"

// Options shape the server. The zero value is a plain server that accepts
// every message without a login.
type Options struct {
	// TLS is model.TLSStartTLS to offer STARTTLS, model.TLSImplicit to speak
	// TLS from the first byte; empty or model.TLSNone for no TLS.
	TLS model.TLSMode
	// User and Password, when User is set, are the only login accepted, and
	// mail is refused (530) until the client has logged in.
	User, Password string
	// AuthMechanisms offered when User is set; default PLAIN and LOGIN.
	AuthMechanisms []string
	// RefuseSender and RefuseRecipient get a 550 at MAIL FROM / RCPT TO.
	RefuseSender, RefuseRecipient string
	// CertHosts are the names and IPs the certificate is issued for;
	// default 127.0.0.1, ::1 and localhost. Others provoke a name mismatch.
	CertHosts []string
}

// Server is a running test server. It stops when the test ends.
type Server struct {
	Host string
	Port int
	// RootCAs trusts the server's self-signed certificate; nil without TLS.
	RootCAs *x509.CertPool

	opts     Options
	mu       sync.Mutex
	messages []Message
}

// Start listens on 127.0.0.1 on a free port and serves until the test ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	srv := &Server{opts: opts}
	backend := smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{srv: srv}, nil
	})
	s := smtp.NewServer(backend)
	s.Domain = "localhost"
	s.AllowInsecureAuth = true // tests may log in without TLS on loopback
	s.ReadTimeout = 5 * time.Second
	s.WriteTimeout = 5 * time.Second
	s.ErrorLog = log.New(io.Discard, "", 0) // failures are what many tests provoke

	l := srv.listen(t)
	if opts.TLS == model.TLSStartTLS || opts.TLS == model.TLSImplicit {
		cert, pool := selfSigned(t, opts.CertHosts)
		srv.RootCAs = pool
		cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		if opts.TLS == model.TLSImplicit {
			l = tls.NewListener(l, cfg)
		} else {
			s.TLSConfig = cfg
		}
	}
	go func() { _ = s.Serve(l) }()
	t.Cleanup(func() { _ = s.Close() })
	return srv
}

// StartSilent listens on 127.0.0.1 and accepts connections but never says
// a word, like a hung mail server. Use it to test timeouts.
func StartSilent(t testing.TB) *Server {
	t.Helper()
	srv := &Server{}
	l := srv.listen(t)
	var (
		mu     sync.Mutex
		conns  []net.Conn
		closed bool
	)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			if closed {
				_ = c.Close()
			} else {
				conns = append(conns, c) // held open so the client waits
			}
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = l.Close()
		mu.Lock()
		defer mu.Unlock()
		closed = true
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return srv
}

func (s *Server) listen(t testing.TB) net.Listener {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtptest: listening: %v", err)
	}
	addr := l.Addr().(*net.TCPAddr)
	s.Host, s.Port = addr.IP.String(), addr.Port
	return l
}

// Addr is "127.0.0.1:PORT".
func (s *Server) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// Settings point keydesk at this server: its address, TLS mode and login,
// with From as the sender. Pair it with RootCAs when TLS is on.
func (s *Server) Settings() model.SMTPSettings {
	mode := s.opts.TLS
	if mode == "" {
		mode = model.TLSNone
	}
	return model.SMTPSettings{
		Host: s.Host, Port: s.Port, TLS: mode, From: From,
		User: s.opts.User, Password: s.opts.Password,
	}
}

// Messages returns a copy of every message accepted so far, oldest first.
// A message is recorded before the server answers DATA, so it is here as
// soon as the client's send returns.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

func (s *Server) record(m Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages = append(s.messages, m)
}
