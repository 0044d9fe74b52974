package ldapsource_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/ldapsource"
	"github.com/keydesk/keydesk/store/ldapsource/slapdtest"
)

func tPeople(n int) []slapdtest.Person {
	out := make([]slapdtest.Person, n)
	for i := range out {
		out[i] = slapdtest.Person{UID: fmt.Sprintf("p%05d", i), First: fmt.Sprintf("First%d", i), Last: fmt.Sprintf("Last%d", i),
			Mail: fmt.Sprintf("p%05d@example.com", i), Department: "Dept" + fmt.Sprint(i%7), Title: "Engineer", Phone: "+1 555 0100"}
	}
	return out
}

func tSettings(srv *slapdtest.Server) model.DirectorySettings {
	set := model.DefaultDirectorySettings()
	set.URL, set.TLS, set.CAFile = srv.URL, model.LDAPStartTLS, srv.CAFile
	set.BindDN, set.Password = slapdtest.ReaderDN, slapdtest.ReaderPW
	set.BaseDN, set.Filter = slapdtest.PeopleDN, "(objectClass=inetOrgPerson)"
	set.Attributes = model.LDAPPresets["openldap"]
	set.Attributes.Company = "" // the test schema's people have no o
	set.Timeout = 20 * time.Second
	if err := set.Validate(); err != nil {
		panic(err)
	}
	return set
}

func TestLDAPStartTLSAndLDAPS(t *testing.T) {
	srv := slapdtest.Start(t, tPeople(3))
	for _, mode := range []model.LDAPTLS{model.LDAPStartTLS, model.LDAPS} {
		set := tSettings(srv)
		if mode == model.LDAPS {
			set.URL, set.TLS = srv.LDAPSURL, model.LDAPS
		}
		people, fields, err := ldapsource.New(set).People(context.Background())
		if err != nil {
			t.Fatalf("%s: %v", mode, err)
		}
		if len(people) != 3 || fields&model.SyncLastName == 0 || fields&model.SyncCompany != 0 {
			t.Fatalf("%s: %d people, fields %b", mode, len(people), fields)
		}
		p := people[0]
		if len(p.ExternalID) != 36 || p.FirstName != "First0" || p.LastName != "Last0" || p.Email != "p00000@example.com" ||
			p.Department != "Dept0" || p.Position != "Engineer" || p.Phone != "+1 555 0100" {
			t.Errorf("%s: %+v", mode, p)
		}
	}
}

// 10,000 people, more than the server gives one unpaged search.
func TestLDAPPaged10k(t *testing.T) {
	srv := slapdtest.Start(t, tPeople(10_000))
	set := tSettings(srv)
	set.PageSize = 500
	pages := 0
	people, _, err := ldapsource.New(set).AfterPage(func(int) { pages++ }).People(context.Background())
	if err != nil || len(people) != 10_000 {
		t.Fatalf("%d people, %v", len(people), err)
	}
	if pages != 20 {
		t.Errorf("%d pages, want 20", pages)
	}
	seen := map[string]bool{}
	for _, p := range people {
		seen[p.ExternalID] = true
	}
	if len(seen) != 10_000 {
		t.Errorf("%d distinct external ids", len(seen))
	}
}

func TestLDAPRefusals(t *testing.T) {
	srv := slapdtest.Start(t, tPeople(3))
	cases := []struct {
		name string
		edit func(*model.DirectorySettings)
		want string
	}{
		{"bind refused", func(s *model.DirectorySettings) { s.Password = "wrong" }, "refused the bind as cn=keydesk,dc=example,dc=com: Invalid Credentials"},
		{"untrusted CA", func(s *model.DirectorySettings) { s.CAFile = srv.OtherCAFile }, "not signed by a trusted CA"},
		{"untrusted CA, ldaps", func(s *model.DirectorySettings) { s.CAFile, s.URL, s.TLS = srv.OtherCAFile, srv.LDAPSURL, model.LDAPS }, "not signed by a trusted CA"},
		{"name mismatch", func(s *model.DirectorySettings) { s.ServerName = "dc1.example.com" }, "not for the name expected (certificate is valid for localhost, not dc1.example.com"},
		{"name mismatch, ldaps", func(s *model.DirectorySettings) {
			s.ServerName, s.URL, s.TLS = "dc1.example.com", srv.LDAPSURL, model.LDAPS
		}, "not for dc1.example.com"},
		{"no base", func(s *model.DirectorySettings) { s.BaseDN = "ou=nobody,dc=example,dc=com" }, "does not exist"},
		{"nobody listening", func(s *model.DirectorySettings) { s.URL = "ldap://127.0.0.1:1" }, "cannot reach the directory"},
	}
	for _, c := range cases {
		set := tSettings(srv)
		c.edit(&set)
		people, _, err := ldapsource.New(set).People(context.Background())
		if err == nil || !strings.Contains(err.Error(), c.want) || people != nil {
			t.Errorf("%s: %v (%d people), want %q", c.name, err, len(people), c.want)
		}
	}
	// A search that matches nobody is an answer, not an error: the sync's
	// fail-safe refuses it.
	set := tSettings(srv)
	set.Filter = "(uid=nobody)"
	if people, _, err := ldapsource.New(set).People(context.Background()); err != nil || len(people) != 0 {
		t.Errorf("empty search: %d, %v", len(people), err)
	}
}

// The server goes away after the first page: the read fails, nothing is
// half-returned.
func TestLDAPServerStoppedMidSearch(t *testing.T) {
	srv := slapdtest.Start(t, tPeople(3000))
	set := tSettings(srv)
	set.PageSize = 500
	people, _, err := ldapsource.New(set).AfterPage(func(page int) {
		if page == 1 {
			srv.Stop()
		}
	}).People(context.Background())
	if err == nil || people != nil {
		t.Fatalf("stopped server: %d people, %v", len(people), err)
	}
	t.Log(err)
}

// A directory that does not answer within the timeout.
func TestLDAPTimeout(t *testing.T) {
	srv := slapdtest.Start(t, tPeople(3000))
	set := tSettings(srv)
	set.PageSize = 100
	ctx, cancel := context.WithCancel(context.Background())
	people, _, err := ldapsource.New(set).AfterPage(func(page int) {
		if page == 2 {
			cancel()
		}
	}).People(ctx)
	if err == nil || people != nil || !strings.Contains(err.Error(), "did not answer in time") {
		t.Fatalf("cancelled: %d people, %v", len(people), err)
	}
}
