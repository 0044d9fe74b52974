package model

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// LDAPTLS is how the connection to the directory is protected. There is
// no plain mode: a bind password and the people list never travel in
// clear, and the server's certificate is always checked.
type LDAPTLS string

const (
	LDAPStartTLS LDAPTLS = "starttls" // ldap://, then StartTLS is required
	LDAPS        LDAPTLS = "ldaps"    // TLS from the first byte (ldaps://)
)

// LDAPAttributes maps employee fields to the directory's attributes; an
// empty one is a field the directory does not provide.
type LDAPAttributes struct {
	ExternalID, FirstName, LastName, Email, Phone, Department, Position, Company string
}

// LDAPPresets are the usual attributes of Active Directory and OpenLDAP.
var LDAPPresets = map[string]LDAPAttributes{
	"ad": {ExternalID: "objectGUID", FirstName: "givenName", LastName: "sn", Email: "mail",
		Phone: "telephoneNumber", Department: "department", Position: "title", Company: "company"},
	"openldap": {ExternalID: "entryUUID", FirstName: "givenName", LastName: "sn", Email: "mail",
		Phone: "telephoneNumber", Department: "ou", Position: "title", Company: "o"},
}

// DirectorySettings are the sync's source (LDAP; a snapshot file needs
// none) and its policy.
type DirectorySettings struct {
	URL        string // ldap://host:389 or ldaps://host:636
	TLS        LDAPTLS
	CAFile     string // PEM file of the CA that signed the server's certificate ("": the system's)
	ServerName string // the name the certificate must carry ("": the URL's host)
	BindDN     string
	Password   string
	BaseDN     string
	Filter     string // e.g. (&(objectClass=person)(mail=*))
	PageSize   int
	Timeout    time.Duration
	Attributes LDAPAttributes
	Policy     SyncPolicy
}

// DefaultDirectorySettings are the settings before an admin saves any.
func DefaultDirectorySettings() DirectorySettings {
	return DirectorySettings{TLS: LDAPStartTLS, PageSize: 500, Timeout: 2 * time.Minute,
		Filter: "(objectClass=person)", Attributes: LDAPPresets["openldap"], Policy: DefaultSyncPolicy()}
}

// LDAPConfigured reports whether an LDAP source is set up.
func (s DirectorySettings) LDAPConfigured() bool { return s.URL != "" }

// Fields says which employee fields the mapping provides.
func (a LDAPAttributes) Fields() SyncFields {
	var f SyncFields
	for _, x := range []struct {
		attr string
		bit  SyncFields
	}{{a.LastName, SyncLastName}, {a.Phone, SyncPhone}, {a.Department, SyncDepartment}, {a.Position, SyncPosition}, {a.Company, SyncCompany}} {
		if x.attr != "" {
			f |= x.bit
		}
	}
	return f
}

// Validate checks settings meant to be used.
func (s DirectorySettings) Validate() error {
	if err := s.Policy.Validate(); err != nil {
		return err
	}
	if s.PageSize < 1 || s.PageSize > 10000 {
		return refuse("the page size is from 1 to 10000")
	}
	if s.Timeout < time.Second || s.Timeout > time.Hour {
		return refuse("the timeout is from 1 second to 1 hour")
	}
	if !s.LDAPConfigured() {
		return nil
	}
	u, err := url.Parse(s.URL)
	if err != nil || u.Host == "" || (u.Scheme != "ldap" && u.Scheme != "ldaps") || u.Path != "" && u.Path != "/" {
		return refuse("the directory URL %q is not like ldap://dc1.example.com or ldaps://dc1.example.com:636", Printable(s.URL))
	}
	switch {
	case u.Scheme == "ldaps" && s.TLS != LDAPS, u.Scheme == "ldap" && s.TLS != LDAPStartTLS:
		return refuse("an %s:// URL goes with --tls %s", u.Scheme, map[string]LDAPTLS{"ldap": LDAPStartTLS, "ldaps": LDAPS}[u.Scheme])
	}
	if s.BaseDN == "" {
		return refuse("the base DN is required (e.g. ou=people,dc=example,dc=com)")
	}
	if s.BindDN != "" && s.Password == "" {
		return refuse("a bind DN needs its password")
	}
	if !strings.HasPrefix(s.Filter, "(") || !strings.HasSuffix(s.Filter, ")") {
		return refuse("the filter %q must be in parentheses, like (objectClass=person)", Printable(s.Filter))
	}
	a := s.Attributes
	if a.ExternalID == "" || a.FirstName == "" || a.Email == "" {
		return refuse("the attributes for the external id, the first name and the e-mail are required")
	}
	for _, v := range []string{s.URL, s.CAFile, s.ServerName, s.BindDN, s.BaseDN, s.Filter, a.ExternalID, a.FirstName, a.LastName, a.Email, a.Phone, a.Department, a.Position, a.Company} {
		if _, err := checkText("setting", v, 1024, false); err != nil {
			return refuse("%s", err)
		}
	}
	return nil
}

// ParseLDAPTLS accepts starttls or ldaps.
func ParseLDAPTLS(s string) (LDAPTLS, error) {
	switch m := LDAPTLS(strings.ToLower(strings.TrimSpace(s))); m {
	case LDAPStartTLS, LDAPS:
		return m, nil
	}
	return "", fmt.Errorf("unknown directory TLS mode %q (starttls or ldaps)", Printable(s))
}
