package model

import (
	"strings"
	"testing"
)

func TestSMTPSettingsConfigured(t *testing.T) {
	for _, tc := range []struct {
		s    SMTPSettings
		want bool
	}{
		{SMTPSettings{}, false},
		{SMTPSettings{Host: "smtp.example.com"}, false},
		{SMTPSettings{From: "keydesk@example.com"}, false},
		{SMTPSettings{Host: "smtp.example.com", From: "keydesk@example.com"}, true},
	} {
		if got := tc.s.Configured(); got != tc.want {
			t.Errorf("%+v.Configured() = %v, want %v", tc.s, got, tc.want)
		}
	}
}

func TestSMTPSettingsValidate(t *testing.T) {
	good := SMTPSettings{Host: "smtp.example.com", Port: 587, TLS: TLSStartTLS, From: "keydesk@example.com"}
	for _, tc := range []struct {
		name    string
		edit    func(*SMTPSettings)
		wantErr string
	}{
		{"good", func(*SMTPSettings) {}, ""},
		{"display name in From", func(s *SMTPSettings) { s.From = "IT desk <keydesk@example.com>" }, ""},
		{"IPv4 host", func(s *SMTPSettings) { s.Host = "192.0.2.7" }, ""},
		{"IPv6 host", func(s *SMTPSettings) { s.Host = "2001:db8::25" }, ""},
		{"login", func(s *SMTPSettings) { s.User, s.Password = "keydesk", "s3cret" }, ""},
		{"no host", func(s *SMTPSettings) { s.Host = "" }, "mail server host is required"},
		{"space in host", func(s *SMTPSettings) { s.Host = "smtp example.com" }, "mail server host must not contain spaces or control characters"},
		{"control char in host", func(s *SMTPSettings) { s.Host = "smtp\x1b.example.com" }, "mail server host must not contain spaces or control characters"},
		{"port in host", func(s *SMTPSettings) { s.Host = "smtp.example.com:587" }, "mail server host must not include the port; put it in the port field"},
		{"port 0", func(s *SMTPSettings) { s.Port = 0 }, "port must be between 1 and 65535"},
		{"port too big", func(s *SMTPSettings) { s.Port = 65536 }, "port must be between 1 and 65535"},
		{"no TLS mode", func(s *SMTPSettings) { s.TLS = "" }, "TLS mode must be starttls, tls or none"},
		{"unknown TLS mode", func(s *SMTPSettings) { s.TLS = "ssl" }, "TLS mode must be starttls, tls or none"},
		{"no From", func(s *SMTPSettings) { s.From = "" }, "sender address is required"},
		{"bad From", func(s *SMTPSettings) { s.From = "keydesk" }, `sender address "keydesk" is not a valid e-mail address`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := good
			tc.edit(&s)
			err := s.Validate()
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("Validate() = %v, want nil", err)
			case tc.wantErr != "" && (err == nil || err.Error() != tc.wantErr):
				t.Fatalf("Validate() = %v, want %q", err, tc.wantErr)
			}
		})
	}
}

func TestSMTPDefaultPort(t *testing.T) {
	for m, want := range map[TLSMode]int{TLSStartTLS: 587, TLSImplicit: 465, TLSNone: 25} {
		if got := m.DefaultPort(); got != want {
			t.Errorf("%s.DefaultPort() = %d, want %d", m, got, want)
		}
	}
}

func TestSMTPUserMayNotHoldControlCharacters(t *testing.T) {
	s := SMTPSettings{Host: "smtp.example.com", Port: 587, TLS: TLSStartTLS, From: "it@example.com", User: "u\x1b[2J"}
	if err := s.Validate(); err == nil || !strings.Contains(err.Error(), "control characters") {
		t.Errorf("user with an escape: %v", err)
	}
}
