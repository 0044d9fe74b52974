// Package ldapsource reads the people of an LDAP directory (OpenLDAP,
// Active Directory) for a directory sync: over StartTLS or LDAPS with the
// server's certificate checked, bound as a service account, with paged
// searches so that a large directory is read a page at a time.
package ldapsource

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/go-ldap/ldap/v3"
	"github.com/keydesk/keydesk/model"
)

// Source is one LDAP directory as the settings describe it.
type Source struct {
	set     model.DirectorySettings
	skipped int // entries left out of the last read (no e-mail, ...)
	// afterPage, when set, runs after each page is read (tests stop the
	// server there).
	afterPage func(page int)
}

// New returns a source for the settings (validated by the caller).
func New(set model.DirectorySettings) *Source { return &Source{set: set} }

// AfterPage runs fn after each page is read: tests stop the server there,
// to see a directory that goes away in the middle of a sync.
func (s *Source) AfterPage(fn func(page int)) *Source {
	s.afterPage = fn
	return s
}

// Name says where the people come from, and how many entries the last
// read left out.
func (s *Source) Name() string {
	name := "ldap " + s.set.URL + " " + s.set.BaseDN
	if s.skipped > 0 {
		name += fmt.Sprintf(" (%d %s left out: no usable e-mail, first name or id)", s.skipped, plural(s.skipped, "entry", "entries"))
	}
	return name
}

// People reads every entry the filter selects under the base DN.
func (s *Source) People(ctx context.Context) ([]model.EmployeeInput, model.SyncFields, error) {
	conn, err := s.connect(ctx)
	if err != nil {
		return nil, 0, err
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	people, err := s.search(ctx, conn)
	if err != nil && ctx.Err() != nil {
		return nil, 0, fmt.Errorf("the directory did not answer in time (%v)", ctx.Err())
	}
	return people, s.set.Attributes.Fields(), err
}

// tlsConfig checks the server's certificate against the CA file (or the
// system's CAs) and the name it must carry.
func (s *Source) tlsConfig() (*tls.Config, error) {
	u, err := url.Parse(s.set.URL)
	if err != nil {
		return nil, fmt.Errorf("the directory URL %q cannot be read", s.set.URL)
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: u.Hostname()}
	if s.set.ServerName != "" {
		cfg.ServerName = s.set.ServerName
	}
	if s.set.CAFile != "" {
		pem, err := os.ReadFile(s.set.CAFile)
		if err != nil {
			return nil, fmt.Errorf("cannot read the directory's CA file %s: %v", s.set.CAFile, errors.Unwrap(err))
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("the directory's CA file %s holds no PEM certificate", s.set.CAFile)
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}

func (s *Source) connect(ctx context.Context) (*ldap.Conn, error) {
	cfg, err := s.tlsConfig()
	if err != nil {
		return nil, err
	}
	timeout := s.set.Timeout
	if deadline, ok := ctx.Deadline(); ok {
		timeout = time.Until(deadline)
	}
	if timeout <= 0 {
		return nil, fmt.Errorf("the directory did not answer in time")
	}
	dialer := &net.Dialer{Timeout: timeout}
	conn, err := ldap.DialURL(s.set.URL, ldap.DialWithDialer(dialer), ldap.DialWithTLSConfig(cfg))
	if err != nil {
		return nil, describe("cannot reach the directory at "+s.set.URL, err)
	}
	conn.SetTimeout(timeout)
	if s.set.TLS == model.LDAPStartTLS {
		if err := conn.StartTLS(cfg); err != nil {
			conn.Close()
			return nil, describe("StartTLS with the directory failed", err)
		}
	}
	if s.set.BindDN != "" {
		if err := conn.Bind(s.set.BindDN, s.set.Password); err != nil {
			conn.Close()
			return nil, describe("the directory refused the bind as "+s.set.BindDN, err)
		}
	}
	return conn, nil
}

// describe words an LDAP or TLS error for an admin: the certificate
// problem, or the server's result, without the library's prefixes.
func describe(what string, err error) error {
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	switch {
	case errors.As(err, &host):
		return fmt.Errorf("%s: the server's certificate is not for %s (it names %s)", what, host.Host, strings.Join(certNames(host.Certificate), ", "))
	case errors.As(err, &unknown), errors.As(err, &verify):
		return fmt.Errorf("%s: the server's certificate is not signed by a trusted CA (set --ca-file)", what)
	case errors.As(err, &invalid):
		return fmt.Errorf("%s: the server's certificate is not valid: %v", what, invalid)
	}
	// go-ldap's StartTLS keeps the TLS error only as text.
	if text := err.Error(); strings.Contains(text, "x509: ") {
		detail := text[strings.Index(text, "x509: ")+len("x509: "):]
		detail = strings.TrimSuffix(strings.TrimSuffix(detail, ")"), ")")
		switch {
		case strings.Contains(detail, "unknown authority"):
			return fmt.Errorf("%s: the server's certificate is not signed by a trusted CA (set --ca-file)", what)
		case strings.Contains(detail, "certificate is valid for"):
			return fmt.Errorf("%s: the server's certificate is not for the name expected (%s)", what, detail)
		}
		return fmt.Errorf("%s: the server's certificate is not valid: %s", what, detail)
	}
	var le *ldap.Error
	if errors.As(err, &le) && le.ResultCode != ldap.ErrorNetwork {
		return fmt.Errorf("%s: %s", what, ldap.LDAPResultCodeMap[le.ResultCode])
	}
	return fmt.Errorf("%s: %v", what, err)
}

func certNames(c *x509.Certificate) []string {
	if c == nil {
		return []string{"nothing"}
	}
	names := append([]string{}, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	if len(names) == 0 {
		names = append(names, c.Subject.CommonName)
	}
	return names
}

// search reads the entries a page at a time.
func (s *Source) search(ctx context.Context, conn *ldap.Conn) ([]model.EmployeeInput, error) {
	a := s.set.Attributes
	var attrs []string
	for _, name := range []string{a.ExternalID, a.FirstName, a.LastName, a.Email, a.Phone, a.Department, a.Position, a.Company} {
		if name != "" {
			attrs = append(attrs, name)
		}
	}
	paging := ldap.NewControlPaging(uint32(s.set.PageSize))
	req := ldap.NewSearchRequest(s.set.BaseDN, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false,
		s.set.Filter, attrs, []ldap.Control{paging})
	var people []model.EmployeeInput
	s.skipped = 0
	for page := 1; ; page++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		res, err := conn.Search(req)
		if err != nil {
			var le *ldap.Error
			if errors.As(err, &le) && le.ResultCode == ldap.LDAPResultNoSuchObject {
				return nil, fmt.Errorf("the base DN %s does not exist in the directory", s.set.BaseDN)
			}
			return nil, describe(fmt.Sprintf("the directory search failed on page %d", page), err)
		}
		for _, e := range res.Entries {
			p, ok := s.person(e)
			if !ok {
				s.skipped++
				continue
			}
			people = append(people, p)
		}
		if s.afterPage != nil {
			s.afterPage(page)
		}
		ctrl, _ := ldap.FindControl(res.Controls, ldap.ControlTypePaging).(*ldap.ControlPaging)
		if ctrl == nil || len(ctrl.Cookie) == 0 {
			return people, nil
		}
		paging.SetCookie(ctrl.Cookie)
	}
}

// person reads one entry; false for an entry that cannot be an employee.
func (s *Source) person(e *ldap.Entry) (model.EmployeeInput, bool) {
	a := s.set.Attributes
	get := func(name string) string {
		if name == "" {
			return ""
		}
		return e.GetAttributeValue(name)
	}
	ext := get(a.ExternalID)
	if strings.EqualFold(a.ExternalID, "objectGUID") {
		ext = formatGUID(e.GetRawAttributeValue(a.ExternalID))
	}
	in := model.EmployeeInput{ExternalID: strings.ToLower(ext), FirstName: get(a.FirstName), LastName: get(a.LastName),
		Email: get(a.Email), Phone: get(a.Phone), Department: get(a.Department), Position: get(a.Position), Company: get(a.Company)}
	// A field keydesk cannot hold (a phone with letters, a department
	// too long) is dropped, not the person: leaving them out would make
	// them a leaver.
	optional := map[string]*string{"last_name": &in.LastName, "phone": &in.Phone, "department": &in.Department,
		"position": &in.Position, "company": &in.Company}
	for range len(optional) + 1 {
		p, err := model.NormalizePerson(in)
		if err == nil {
			return p, true
		}
		var fe *model.FieldError
		if !errors.As(err, &fe) || optional[fe.Field] == nil || *optional[fe.Field] == "" {
			return p, false
		}
		*optional[fe.Field] = ""
	}
	return model.EmployeeInput{}, false
}

// formatGUID writes Active Directory's objectGUID (16 bytes, the first
// three groups little-endian) as the usual text form.
func formatGUID(b []byte) string {
	if len(b) != 16 {
		return ""
	}
	return fmt.Sprintf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%x-%x", b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], b[8:10], b[10:])
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
