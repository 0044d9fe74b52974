package store

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
)

// tSnapshot is a snapshot source from lines after the header.
func tSnapshot(lines ...string) SnapshotSource {
	return SnapshotSource{R: strings.NewReader("external_id,first_name,last_name,email,department\n" + strings.Join(lines, "\n") + "\n"), File: "people.csv"}
}

// failingSource is a directory that cannot be reached.
type failingSource struct{ err error }

func (f failingSource) People(context.Context) ([]model.EmployeeInput, model.SyncFields, error) {
	return nil, 0, f.err
}
func (failingSource) Name() string { return "ldap://dc1.example.com" }

// tNonAuditRecords is every record but the audit trail's (and the trail's own
// marks in meta and in the records' history heads).
func tNonAuditRecords(t testing.TB, s *Store) map[string]string {
	t.Helper()
	d := tDump(t, s)
	for k, v := range d {
		switch {
		case strings.HasPrefix(k, "audit") || k == "meta "+hex.EncodeToString([]byte("audit_head")):
			delete(d, k)
		case (strings.HasPrefix(k, "keys ") || strings.HasPrefix(k, "employees ")) && !strings.HasSuffix(k, "#seq"):
			raw, _ := hex.DecodeString(v)
			d[k] = hex.EncodeToString(withHead(raw, 0))
		}
	}
	return d
}

func tSyncSetPolicy(t testing.TB, s *Store, p model.SyncPolicy) {
	t.Helper()
	set, rev, err := s.directorySettings()
	if err != nil {
		t.Fatal(err)
	}
	set.Policy = p
	if err := s.SetDirectorySettings(tAdmin, set, rev, false); err != nil {
		t.Fatal(err)
	}
}

// A first sync adopts the typed-in employees by e-mail and adds joiners;
// the next finds a mover by rename, a mover by e-mail and a leaver, whose
// key goes after the grace period, not before; a sync finding a leaver
// again undoes the leaving.
func TestSyncDirectoryLifecycle(t *testing.T) {
	s, clock := tOpen(t)
	tKeyIn(t, s, "K1", "Ann", model.Active)
	tKeyIn(t, s, "K2", "Bob", model.Reserved)
	tAddEmployee(t, s, "Typed") // never in the directory: left alone
	first := tSnapshot(
		"u-ann,Ann,Lee,ann@example.com,IT",
		"u-bob,Bob,Day,bob@example.com,IT",
		"u-cy,Cy,Young,cy@example.com,Sales",
		"u-dee,Dee,Park,dee@example.com,Sales",
	)
	res, err := s.SyncDirectory(tCtx, tAdmin, first, SyncOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Applied || len(res.Plan.Joiners) != 2 || len(res.Plan.Movers) != 2 || len(res.Plan.Leavers) != 0 {
		t.Fatalf("first sync: %s", res.Plan.Summary())
	}
	if e := tEmployee(t, s, "Ann"); e.ExternalID != "u-ann" || e.LastName != "Lee" || e.Department != "IT" {
		t.Errorf("Ann after the first sync: %+v", e)
	}

	// Ann and Bob leave; Cy is renamed; Dee's e-mail changes.
	second := func() SnapshotSource {
		return tSnapshot(
			"u-cy,Cy,Young-Hart,cy@example.com,Sales",
			"u-dee,Dee,Park,dee.park@example.com,Sales",
		)
	}
	tSyncSetPolicy(t, s, model.SyncPolicy{Grace: 72 * time.Hour, MaxLeaverPercent: 100})
	res, err = s.SyncDirectory(tCtx, tAdmin, second(), SyncOptions{DryRun: true})
	if err != nil || res.Applied || len(res.Plan.Leavers) != 2 || len(res.Plan.Pending) != 2 {
		t.Fatalf("dry run: %v %s", err, res.Plan.Summary())
	}
	before := tDump(t, s)
	if _, err := s.SyncDirectory(tCtx, tAdmin, second(), SyncOptions{DryRun: true}); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before, tDump(t, s)) {
		t.Error("a dry run changed the database")
	}
	res, err = s.SyncDirectory(tCtx, tAdmin, second(), SyncOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Plan.Movers) != 2 || len(res.Plan.Leavers) != 2 || len(res.Plan.Withdrawals) != 0 {
		t.Fatalf("second sync: %s", res.Plan.Summary())
	}
	ann := tEmployee(t, s, "Ann")
	if !ann.HasLeft() || ann.LeftReason != model.LeftReasonDirectory || ann.KeyID == 0 {
		t.Errorf("Ann after leaving: %+v", ann)
	}
	if e, err := s.Employee("dee.park@example.com"); err != nil || e.ExternalID != "u-dee" {
		t.Errorf("Dee by her new e-mail: %+v %v", e, err)
	}
	if e, err := s.Employee("cy@example.com"); err != nil || e.LastName != "Young-Hart" {
		t.Errorf("Cy renamed: %+v %v", e, err)
	}

	// Within the grace period nothing is withdrawn.
	clock.Advance(71 * time.Hour)
	res, err = s.SyncDirectory(tCtx, tAdmin, second(), SyncOptions{})
	if err != nil || len(res.Plan.Withdrawals) != 0 || len(res.Plan.Pending) != 2 {
		t.Fatalf("within grace: %v %s", err, res.Plan.Summary())
	}
	if k := tKey(t, s, "K1"); k.Status != model.Active {
		t.Errorf("K1 within grace: %s", k.Status)
	}
	// Bob is found again within the grace period: his leaving is undone.
	back := func() SnapshotSource {
		return tSnapshot(
			"u-bob,Bob,Day,bob@example.com,IT",
			"u-cy,Cy,Young-Hart,cy@example.com,Sales",
			"u-dee,Dee,Park,dee.park@example.com,Sales",
		)
	}
	res, err = s.SyncDirectory(tCtx, tAdmin, back(), SyncOptions{})
	if err != nil || res.Plan.Returners() != 1 {
		t.Fatalf("Bob back: %v %s", err, res.Plan.Summary())
	}
	if bob := tEmployee(t, s, "Bob"); bob.HasLeft() || bob.KeyID == 0 {
		t.Errorf("Bob back: %+v", bob)
	}

	// Past the grace period Ann's Active key is withdrawn; Bob keeps his.
	clock.Advance(2 * time.Hour)
	res, err = s.SyncDirectory(tCtx, tAdmin, back(), SyncOptions{})
	if err != nil || len(res.Plan.Withdrawals) != 1 {
		t.Fatalf("past grace: %v %s", err, res.Plan.Summary())
	}
	k1 := tKey(t, s, "K1")
	if k1.Status != model.Deactivated || k1.Reason != model.Withdrawal || k1.EmployeeID != 0 || k1.LastHolderID != ann.ID {
		t.Errorf("K1 past grace: %+v", k1)
	}
	if k2 := tKey(t, s, "K2"); k2.Status != model.Reserved {
		t.Errorf("K2 of Bob, back: %s", k2.Status)
	}
	if e := tEmployee(t, s, "Typed"); e.HasLeft() {
		t.Error("an employee typed in was made a leaver")
	}
	tVerify(t, s) // fails the test when the trail or a record does not verify
}

// A Reserved key of a leaver goes back to Ready, its code voided.
func TestSyncWithdrawsReservedToReady(t *testing.T) {
	s, _ := tOpen(t)
	tKeyIn(t, s, "K1", "Ann", model.Reserved)
	tSyncSetPolicy(t, s, model.SyncPolicy{Grace: 0, MaxLeaverPercent: 100})
	if _, err := s.SyncDirectory(tCtx, tAdmin, tSnapshot("u-ann,Ann,,ann@example.com,"), SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	res, err := s.SyncDirectory(tCtx, tAdmin, tSnapshot("u-zed,Zed,,zed@example.com,"), SyncOptions{})
	if err != nil || len(res.Plan.Withdrawals) != 1 {
		t.Fatalf("%v %s", err, res.Plan.Summary())
	}
	k := tKey(t, s, "K1")
	if k.Status != model.Ready || k.Code != nil || tCodeCount(t, s) != 0 || k.LastHolderID == 0 {
		t.Errorf("K1: %+v, %d codes", k, tCodeCount(t, s))
	}
}

// Every fail-safe case refuses, leaves every record byte-identical and
// writes one audit entry saying why.
func TestSyncFailSafe(t *testing.T) {
	s, _ := tOpen(t)
	var lines []string
	for i := range 20 {
		lines = append(lines, fmt.Sprintf("u%d,P%d,X,p%d@example.com,", i, i, i))
	}
	if _, err := s.SyncDirectory(tCtx, tAdmin, tSnapshot(lines...), SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	tKeyIn(t, s, "K1", "Keyholder", model.Active)
	refused := func(name string, src DirectorySource, opt SyncOptions, want string) {
		t.Helper()
		before, n := tNonAuditRecords(t, s), len(tAudit(t, s))
		_, err := s.SyncDirectory(tCtx, tAdmin, src, opt)
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
	refused("unreachable", failingSource{errors.New("dial tcp 10.0.0.1:636: connection refused")}, SyncOptions{}, "connection refused")
	refused("timeout", failingSource{context.DeadlineExceeded}, SyncOptions{}, "could not be read")
	refused("empty", tSnapshot(), SyncOptions{}, "listed nobody")
	refused("bad row", tSnapshot("u1,P1,X,not-an-address,"), SyncOptions{}, "line 2")
	refused("twice", tSnapshot("u1,P1,X,p1@example.com,", "u1,P2,X,p2@example.com,"), SyncOptions{}, "twice")
	// 3 of 20 leave: 15% > 10%.
	refused("share", tSnapshot(lines[3:]...), SyncOptions{}, "--confirm-leavers 3")
	refused("wrong number", tSnapshot(lines[3:]...), SyncOptions{ConfirmLeavers: 4}, "4 leavers confirmed, but the sync has 3")
	tSyncSetPolicy(t, s, model.SyncPolicy{Grace: time.Hour, MaxLeaverPercent: 10, MinEntries: 18})
	refused("floor", tSnapshot(lines[:17]...), SyncOptions{ConfirmLeavers: 3}, "fewer than the floor of 18")

	// A dry run that would be refused writes nothing at all.
	before := tDump(t, s)
	if _, err := s.SyncDirectory(tCtx, tAdmin, tSnapshot(lines[3:]...), SyncOptions{DryRun: true}); err == nil {
		t.Error("a dry run of a refused sync succeeded")
	}
	if !reflect.DeepEqual(before, tDump(t, s)) {
		t.Error("a refused dry run changed the database")
	}

	// The exact number confirmed lets it through.
	tSyncSetPolicy(t, s, model.SyncPolicy{Grace: time.Hour, MaxLeaverPercent: 10})
	res, err := s.SyncDirectory(tCtx, tAdmin, tSnapshot(lines[3:]...), SyncOptions{ConfirmLeavers: 3})
	if err != nil || !res.Applied || len(res.Plan.Leavers) != 3 {
		t.Errorf("confirmed: %v %s", err, res.Plan.Summary())
	}
}

// Sync and its settings are the admins'; helpdesk and auditors are
// refused, and the refusal is audited.
func TestSyncNeedsAnAdmin(t *testing.T) {
	s, _ := tOpen(t)
	for i, role := range []model.Role{model.RoleHelpdesk, model.RoleAuditor} {
		who := tSSH(t, s, "helen"+fmt.Sprint(i), role, i+1)
		err := tOnlyAuditedAs(t, s, model.ActionAccessRefused, func() error {
			_, err := s.SyncDirectory(tCtx, who, tSnapshot("u1,A,B,a@example.com,"), SyncOptions{})
			return err
		})
		tRefusedWith(t, err, "needs an admin")
		if err := s.SetDirectorySettings(who, model.DefaultDirectorySettings(), 0, false); !model.IsRefusal(err) {
			t.Errorf("%s saved directory settings: %v", role, err)
		}
	}
}
