package mailer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/mailer/smtptest"
)

const (
	testCode     = "482913"
	testPassword = "s3cret-pass"
	testTo       = "alice@example.test"
)

var testExpiry = time.Date(2031, time.March, 9, 14, 5, 0, 0, time.UTC)

func codeMessage() CodeMessage {
	return CodeMessage{To: testTo, EmployeeName: "Alice Martin", Serial: "IPI-00042", Code: testCode, Expires: testExpiry}
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestSendDeliversTheCode(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t, smtptest.Options{})
	if err := (Sender{Settings: srv.Settings()}).Send(testContext(t), codeMessage()); err != nil {
		t.Fatalf("Send: %v", err)
	}

	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("server got %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if m.From != smtptest.From || len(m.To) != 1 || m.To[0] != testTo {
		t.Errorf("envelope from %q to %q, want %q to %q", m.From, m.To, smtptest.From, testTo)
	}
	for name, want := range map[string]string{"From": "<" + smtptest.From + ">", "To": "<" + testTo + ">", "Subject": codeSubject} {
		if got := header(t, m, name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	assertCodeNotInHeaders(t, m)

	for _, part := range []string{"text/plain", "text/html"} {
		body, err := m.Part(part)
		if err != nil {
			t.Fatalf("%s: %v", part, err)
		}
		for _, want := range []string{
			"482 913", "four eight two — nine one three", "IPI-00042", "Alice Martin",
			"Sunday 9 March 2031, 14:05 UTC", "type this code when", "ask your administrator for a new code",
		} {
			if !strings.Contains(strings.Join(strings.Fields(body), " "), want) {
				t.Errorf("%s part lacks %q:\n%s", part, want, body)
			}
		}
	}
}

func TestSendHTMLEscapesTheName(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t, smtptest.Options{})
	m := codeMessage()
	m.EmployeeName = "<b>Bob</b>"
	if err := (Sender{Settings: srv.Settings()}).Send(testContext(t), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	html, err := srv.Messages()[0].Part("text/html")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(html, "<b>Bob") || !strings.Contains(html, "&lt;b&gt;Bob") {
		t.Errorf("name not escaped in HTML:\n%s", html)
	}
}

func TestSendOverTLSAndWithLogin(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts smtptest.Options
	}{
		{"starttls", smtptest.Options{TLS: model.TLSStartTLS}},
		{"implicit tls", smtptest.Options{TLS: model.TLSImplicit}},
		{"starttls with PLAIN", smtptest.Options{TLS: model.TLSStartTLS, User: "keydesk", Password: testPassword}},
		{"implicit tls with LOGIN only", smtptest.Options{TLS: model.TLSImplicit, User: "keydesk", Password: testPassword, AuthMechanisms: []string{"LOGIN"}}},
		{"no tls with PLAIN on loopback", smtptest.Options{User: "keydesk", Password: testPassword}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := smtptest.Start(t, tc.opts)
			sender := Sender{Settings: srv.Settings(), RootCAs: srv.RootCAs}
			if err := sender.Send(testContext(t), codeMessage()); err != nil {
				t.Fatalf("Send: %v (cause: %v)", err, errors.Unwrap(err))
			}
			if n := len(srv.Messages()); n != 1 {
				t.Fatalf("server got %d messages, want 1", n)
			}
		})
	}
}

func TestSendTestHasNoCode(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t, smtptest.Options{TLS: model.TLSStartTLS})
	sender := Sender{Settings: srv.Settings(), RootCAs: srv.RootCAs}
	if err := sender.SendTest(testContext(t), "admin@example.test"); err != nil {
		t.Fatalf("SendTest: %v", err)
	}
	m := srv.Messages()[0]
	if got := header(t, m, "Subject"); got != testSubject {
		t.Errorf("Subject %q, want %q", got, testSubject)
	}
	body, err := m.Part("text/plain")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, "test message from keydesk") || strings.Contains(body, "activation code is") {
		t.Errorf("unexpected test body:\n%s", body)
	}
}

func TestSendFailures(t *testing.T) {
	t.Parallel()
	refusing := smtptest.Options{RefuseRecipient: testTo, RefuseSender: "blocked@keydesk.test"}
	for _, tc := range []struct {
		name     string
		server   func(t *testing.T) (model.SMTPSettings, *smtptest.Server)
		trust    bool // give the client the server's certificate pool
		edit     func(*model.SMTPSettings)
		ctx      func(t *testing.T) context.Context
		timeout  time.Duration
		wantKind ErrorKind
		wantMsg  string // %s is the server's host:port
	}{
		{
			name:     "closed port",
			server:   closedPort,
			wantKind: KindUnreachable,
			wantMsg:  "cannot reach the mail server %s",
		},
		{
			name:     "starttls to a server without TLS",
			server:   start(smtptest.Options{}),
			edit:     func(s *model.SMTPSettings) { s.TLS = model.TLSStartTLS },
			wantKind: KindTLS,
			wantMsg:  "the mail server %s does not offer STARTTLS; check the TLS mode and port",
		},
		{
			name:     "starttls with an untrusted certificate",
			server:   start(smtptest.Options{TLS: model.TLSStartTLS}),
			wantKind: KindTLS,
			wantMsg:  "the certificate of the mail server %s is not trusted",
		},
		{
			name:     "implicit tls with an untrusted certificate",
			server:   start(smtptest.Options{TLS: model.TLSImplicit}),
			wantKind: KindTLS,
			wantMsg:  "the certificate of the mail server %s is not trusted",
		},
		{
			name:     "certificate issued for another host",
			server:   start(smtptest.Options{TLS: model.TLSImplicit, CertHosts: []string{"mail.example.test"}}),
			trust:    true,
			wantKind: KindTLS,
			wantMsg:  "the certificate of the mail server %s is not valid for 127.0.0.1",
		},
		{
			name:     "implicit tls to a plain server",
			server:   start(smtptest.Options{}),
			edit:     func(s *model.SMTPSettings) { s.TLS = model.TLSImplicit },
			wantKind: KindTLS,
			wantMsg:  "TLS with the mail server %s failed; check the TLS mode and port",
		},
		{
			name:     "wrong password",
			server:   start(smtptest.Options{TLS: model.TLSStartTLS, User: "keydesk", Password: "other"}),
			trust:    true,
			edit:     func(s *model.SMTPSettings) { s.Password = testPassword },
			wantKind: KindAuth,
			wantMsg:  "the mail server refused the user name or password",
		},
		{
			name:     "login required but no user set",
			server:   start(smtptest.Options{TLS: model.TLSStartTLS, User: "keydesk", Password: testPassword}),
			trust:    true,
			edit:     func(s *model.SMTPSettings) { s.User, s.Password = "", "" },
			wantKind: KindAuth,
			wantMsg:  "the mail server requires a login; set a user name and password",
		},
		{
			name:     "user set but no login offered",
			server:   start(smtptest.Options{TLS: model.TLSStartTLS}),
			trust:    true,
			edit:     func(s *model.SMTPSettings) { s.User, s.Password = "keydesk", testPassword },
			wantKind: KindAuth,
			wantMsg:  "the mail server offers no password login here; check the TLS mode, or clear the user name",
		},
		{
			name:     "recipient refused",
			server:   start(refusing),
			wantKind: KindRecipientRefused,
			wantMsg:  "the mail server refused the recipient " + testTo,
		},
		{
			name:     "sender refused",
			server:   start(refusing),
			edit:     func(s *model.SMTPSettings) { s.From = "blocked@keydesk.test" },
			wantKind: KindSenderRefused,
			wantMsg:  "the mail server refused the sender blocked@keydesk.test",
		},
		{
			name:     "silent server, the 10-second cap (shortened)",
			server:   silent,
			timeout:  200 * time.Millisecond,
			wantKind: KindTimeout,
			wantMsg:  "the mail server did not answer within 10 seconds",
		},
		{
			name:     "silent server, the caller's deadline",
			server:   silent,
			ctx:      deadline(200 * time.Millisecond),
			wantKind: KindTimeout,
			wantMsg:  "the mail server did not answer in time",
		},
		{
			name:     "silent server, cancelled",
			server:   silent,
			ctx:      cancelAfter(100 * time.Millisecond),
			wantKind: KindCanceled,
			wantMsg:  "sending the e-mail was cancelled",
		},
		{
			name:     "no mail server configured",
			server:   func(*testing.T) (model.SMTPSettings, *smtptest.Server) { return model.SMTPSettings{}, nil },
			wantKind: KindSettings,
			wantMsg:  ErrNoServer.Error(),
		},
		{
			name:     "invalid settings",
			server:   start(smtptest.Options{}),
			edit:     func(s *model.SMTPSettings) { s.Port = 0 },
			wantKind: KindSettings,
			wantMsg:  "mail settings: port must be between 1 and 65535",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			settings, srv := tc.server(t)
			if tc.edit != nil {
				tc.edit(&settings)
			}
			sender := Sender{Settings: settings, timeout: tc.timeout}
			if tc.trust {
				sender.RootCAs = srv.RootCAs
			}
			ctx := testContext(t)
			if tc.ctx != nil {
				ctx = tc.ctx(t)
			}

			start := time.Now()
			err := sender.Send(ctx, codeMessage())
			if elapsed := time.Since(start); elapsed > 3*time.Second {
				t.Errorf("Send took %v", elapsed)
			}
			var se *SendError
			if !errors.As(err, &se) {
				t.Fatalf("Send = %v (%T), want a *SendError", err, err)
			}
			wantMsg := tc.wantMsg
			if strings.Contains(wantMsg, "%s") {
				wantMsg = fmt.Sprintf(wantMsg, net.JoinHostPort(settings.Host, fmt.Sprint(settings.Port)))
			}
			if se.Kind != tc.wantKind || se.Error() != wantMsg {
				t.Errorf("got %v: %q (cause: %v)\nwant %v: %q", se.Kind, se.Error(), se.Err, tc.wantKind, wantMsg)
			}
			assertNoSecrets(t, se)
			if tc.wantKind == KindCanceled && !errors.Is(err, context.Canceled) {
				t.Errorf("a cancelled send should still match context.Canceled: %v", se.Err)
			}
			if srv != nil && len(srv.Messages()) != 0 {
				t.Errorf("server accepted a message despite the error")
			}
		})
	}
}

func TestScrubRemovesSecrets(t *testing.T) {
	err := scrub(fmt.Errorf("server said: 535 bad %s for code %s", testPassword, testCode), testPassword, testCode)
	if strings.Contains(err.Error(), testPassword) || strings.Contains(err.Error(), testCode) {
		t.Errorf("scrub left a secret: %v", err)
	}
	clean := errors.New("nothing to hide")
	if scrub(clean, testPassword) != clean {
		t.Errorf("scrub replaced an error that held no secret")
	}
}

// assertNoSecrets checks the admin's sentence and the whole cause chain.
func assertNoSecrets(t *testing.T, se *SendError) {
	t.Helper()
	texts := []string{se.Error(), fmt.Sprintf("%+v", se.Err)}
	for _, text := range texts {
		for _, secret := range []string{testCode, "482 913", testPassword} {
			if strings.Contains(text, secret) {
				t.Errorf("error text %q contains a secret", text)
			}
		}
	}
}

// assertCodeNotInHeaders skips Message-ID and the MIME boundary: they are
// random and could hold any six digits by chance.
func assertCodeNotInHeaders(t *testing.T, m smtptest.Message) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatal(err)
	}
	for name, values := range msg.Header {
		if name == "Message-Id" || name == "Content-Type" {
			continue
		}
		for _, v := range values {
			if strings.Contains(v, testCode) || strings.Contains(v, "482 913") {
				t.Errorf("the code appears in header %s: %q", name, v)
			}
		}
	}
}

func header(t *testing.T, m smtptest.Message, name string) string {
	t.Helper()
	v, err := m.Header(name)
	if err != nil {
		t.Fatalf("header %s: %v", name, err)
	}
	return v
}

func start(opts smtptest.Options) func(t *testing.T) (model.SMTPSettings, *smtptest.Server) {
	return func(t *testing.T) (model.SMTPSettings, *smtptest.Server) {
		srv := smtptest.Start(t, opts)
		return srv.Settings(), srv
	}
}

func silent(t *testing.T) (model.SMTPSettings, *smtptest.Server) {
	srv := smtptest.StartSilent(t)
	return srv.Settings(), srv
}

// closedPort finds a port nothing listens on: bind one, then let it go.
func closedPort(t *testing.T) (model.SMTPSettings, *smtptest.Server) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	return model.SMTPSettings{Host: "127.0.0.1", Port: port, TLS: model.TLSNone, From: smtptest.From}, nil
}

func deadline(d time.Duration) func(t *testing.T) context.Context {
	return func(t *testing.T) context.Context {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		t.Cleanup(cancel)
		return ctx
	}
}

func cancelAfter(d time.Duration) func(t *testing.T) context.Context {
	return func(t *testing.T) context.Context {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(d, cancel)
		t.Cleanup(cancel)
		return ctx
	}
}
