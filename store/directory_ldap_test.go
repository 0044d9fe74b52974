package store

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/ldapsource"
	"github.com/keydesk/keydesk/store/ldapsource/slapdtest"
	bolt "go.etcd.io/bbolt"
)

func tLDAPPeople(n int) []slapdtest.Person {
	people := []slapdtest.Person{
		{UID: "ann", First: "Ann", Last: "Lee", Mail: "ann@example.com", Department: "IT"},
		{UID: "bob", First: "Bob", Last: "Day", Mail: "bob@example.com", Department: "IT"},
		{UID: "cy", First: "Cy", Last: "Young", Mail: "cy@example.com", Department: "Sales"},
		{UID: "dee", First: "Dee", Last: "Park", Mail: "dee@example.com", Department: "Sales"},
	}
	for i := len(people); i < n; i++ {
		people = append(people, slapdtest.Person{UID: fmt.Sprintf("p%d", i), First: fmt.Sprintf("P%d", i), Last: "Staff", Mail: fmt.Sprintf("p%d@example.com", i)})
	}
	return people
}

func tLDAPSettings(t testing.TB, s *Store, srv *slapdtest.Server, edit func(*model.DirectorySettings)) {
	t.Helper()
	_, rev, err := s.directorySettings()
	if err != nil {
		t.Fatal(err)
	}
	set := model.DefaultDirectorySettings() // each call from the defaults: edits do not pile up
	set.URL, set.TLS, set.CAFile = srv.URL, model.LDAPStartTLS, srv.CAFile
	set.BindDN, set.Password = slapdtest.ReaderDN, slapdtest.ReaderPW
	set.BaseDN, set.Filter = slapdtest.PeopleDN, "(objectClass=inetOrgPerson)"
	set.Attributes = model.LDAPPresets["openldap"]
	set.Attributes.Company = ""
	set.Timeout = 20 * time.Second
	if edit != nil {
		edit(&set)
	}
	if err := s.SetDirectorySettings(tAdmin, set, rev, false); err != nil {
		t.Fatal(err)
	}
}

// Joiners, a mover by rename, a mover by changed e-mail (found by
// external id), leavers whose keys go after the grace period and not
// before, against a real OpenLDAP.
func TestSyncLDAPLifecycle(t *testing.T) {
	srv := slapdtest.Start(t, tLDAPPeople(40))
	s, clock := tOpen(t)
	tLDAPSettings(t, s, srv, nil)
	s.db.View(func(tx *bolt.Tx) error {
		if bytes.Contains(tx.Bucket(bucketMeta).Get(metaDirectory), []byte(slapdtest.ReaderPW)) {
			t.Error("the bind password is stored in clear")
		}
		return nil
	})
	res, err := s.SyncDirectoryLDAP(tCtx, tAdmin, SyncOptions{})
	if err != nil || len(res.Plan.Joiners) != 40 {
		t.Fatalf("first sync: %v %s", err, res.Plan.Summary())
	}
	tImportKeys(t, s, "K1")
	view, err := s.AssignKey(tAdmin, Serial("K1"), "ann@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeviceEnterCode(tAdmin, "K1", view.Digits); err != nil {
		t.Fatal(err)
	}
	cyID := tEmployee(t, s, "Cy").ExternalID

	admin := srv.Admin()
	mod := func(dn string, attr, value string) {
		t.Helper()
		m := ldap.NewModifyRequest(dn, nil)
		m.Replace(attr, []string{value})
		if err := admin.Modify(m); err != nil {
			t.Fatal(err)
		}
	}
	// Cy is renamed (a new RDN and last name), Dee's e-mail changes, Ann
	// and Bob leave.
	if err := admin.ModifyDN(ldap.NewModifyDNRequest("uid=cy,"+slapdtest.PeopleDN, "uid=cyh", true, "")); err != nil {
		t.Fatal(err)
	}
	mod("uid=cyh,"+slapdtest.PeopleDN, "sn", "Young-Hart")
	mod("uid=dee,"+slapdtest.PeopleDN, "mail", "dee.park@example.com")
	for _, uid := range []string{"ann", "bob"} {
		if err := admin.Del(ldap.NewDelRequest("uid="+uid+","+slapdtest.PeopleDN, nil)); err != nil {
			t.Fatal(err)
		}
	}
	res, err = s.SyncDirectoryLDAP(tCtx, tAdmin, SyncOptions{})
	if err != nil || len(res.Plan.Movers) != 2 || len(res.Plan.Leavers) != 2 || len(res.Plan.Joiners) != 0 || len(res.Plan.Pending) != 1 {
		t.Fatalf("second sync: %v %s", err, res.Plan.Summary())
	}
	if e, err := s.Employee("cy@example.com"); err != nil || e.LastName != "Young-Hart" || e.ExternalID != cyID {
		t.Errorf("Cy renamed: %+v %v", e, err)
	}
	if e, err := s.Employee("dee.park@example.com"); err != nil || e.FirstName != "Dee" {
		t.Errorf("Dee by her new e-mail: %+v %v", e, err)
	}
	if _, err := s.Employee("dee@example.com"); err == nil {
		t.Error("Dee's old e-mail still names an employee")
	}

	clock.Advance(24 * time.Hour) // within the 3 days of grace
	res, err = s.SyncDirectoryLDAP(tCtx, tAdmin, SyncOptions{})
	if err != nil || len(res.Plan.Withdrawals) != 0 {
		t.Fatalf("within grace: %v %s", err, res.Plan.Summary())
	}
	if k := tKey(t, s, "K1"); k.Status != model.Active {
		t.Errorf("K1 within grace: %s", k.Status)
	}
	st, err := s.DirectoryStatus(tAdmin)
	if err != nil || st.PendingLine() != "1 leaver: key withdrawn in 2 days" {
		t.Errorf("status: %q %v", st.PendingLine(), err)
	}

	clock.Advance(48 * time.Hour) // the grace period is over
	res, err = s.SyncDirectoryLDAP(tCtx, tAdmin, SyncOptions{})
	if err != nil || len(res.Plan.Withdrawals) != 1 {
		t.Fatalf("past grace: %v %s", err, res.Plan.Summary())
	}
	ann := tEmployee(t, s, "Ann")
	k := tKey(t, s, "K1")
	if k.Status != model.Deactivated || k.Reason != model.Withdrawal || k.LastHolderID != ann.ID || !ann.HasLeft() || ann.KeyID != 0 {
		t.Errorf("K1 past grace: %+v; Ann %+v", k, ann)
	}
	tVerify(t, s)
}

// A directory that fails or answers wrongly is refused: records
// byte-identical, one audit entry saying why.
func TestSyncLDAPFailSafe(t *testing.T) {
	srv := slapdtest.Start(t, tLDAPPeople(3000))
	s, _ := tOpen(t)
	tLDAPSettings(t, s, srv, func(set *model.DirectorySettings) { set.PageSize = 500 })
	if _, err := s.SyncDirectoryLDAP(tCtx, tAdmin, SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	refused := func(name, want string, sync func() error) {
		t.Helper()
		before, n := tNonAuditRecords(t, s), len(tAudit(t, s))
		err := sync()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want it refused saying %q", name, err, want)
		}
		if !reflect.DeepEqual(before, tNonAuditRecords(t, s)) {
			t.Errorf("%s: a refused sync changed records", name)
		}
		entries := tAuditSince(t, s, n)
		if len(entries) != 1 || entries[0].Action != model.ActionDirectorySyncRefused || !strings.Contains(entries[0].Note, want) {
			t.Errorf("%s: audit %+v, want one refusal", name, entries)
		}
	}
	ldapSync := func() error { _, err := s.SyncDirectoryLDAP(tCtx, tAdmin, SyncOptions{}); return err }

	tLDAPSettings(t, s, srv, func(set *model.DirectorySettings) { set.Password = "wrong" })
	refused("bind refused", "Invalid Credentials", ldapSync)
	tLDAPSettings(t, s, srv, func(set *model.DirectorySettings) { set.ServerName = "dc1.example.com" })
	refused("certificate mismatch", "not for the name expected", ldapSync)
	tLDAPSettings(t, s, srv, func(set *model.DirectorySettings) { set.Filter = "(uid=nobody)" })
	refused("search returns nothing", "listed nobody", ldapSync)
	// Half the people gone from the filter: 50% leavers.
	tLDAPSettings(t, s, srv, func(set *model.DirectorySettings) { set.Filter = "(|(uid=p1*)(uid=ann))" })
	refused("mass leavers", "--confirm-leavers", ldapSync)

	tLDAPSettings(t, s, srv, func(set *model.DirectorySettings) { set.PageSize = 500 })
	set, _, err := s.directorySettings()
	if err != nil {
		t.Fatal(err)
	}
	refused("server stopped mid-sync", "connection closed", func() error {
		src := ldapsource.New(set).AfterPage(func(page int) {
			if page == 2 {
				srv.Stop()
			}
		})
		_, err := s.SyncDirectory(tCtx, tAdmin, src, SyncOptions{})
		return err
	})
	refused("server gone", "cannot reach the directory", ldapSync)
}
