package store

import (
	"fmt"
	"strings"
	"testing"

	"github.com/keydesk/keydesk/model"
)

// tKeyLine is a fresh public key line for an admin of the tests.
func tKeyLine(t testing.TB, n int) string {
	t.Helper()
	// ed25519 public keys are any 32 bytes: a counter makes them distinct.
	var raw [32]byte
	raw[0], raw[1] = byte(n), byte(n>>8)
	line, err := tAuthorizedLine(raw[:])
	if err != nil {
		t.Fatal(err)
	}
	return line
}

// tSSH adds an admin with role to the table and returns them as an SSH
// session would name them.
func tSSH(t testing.TB, s *Store, name string, role model.Role, n int) model.Actor {
	t.Helper()
	a, err := s.AddAdmin(tAdmin, name, role, tKeyLine(t, n))
	if err != nil {
		t.Fatalf("AddAdmin %s: %v", name, err)
	}
	return model.Actor{Name: a.Name, Fingerprint: a.Fingerprint}
}

// A helpdesk person does their part; what is not theirs is refused with
// who may, changes nothing and leaves a refusal in the trail.
func TestHelpdeskDoesItsPartOnly(t *testing.T) {
	s, _ := tOpen(t)
	helen := tSSH(t, s, "helen", model.RoleHelpdesk, 1)
	tImportKeys(t, s, "SN-H1", "SN-H2")
	tAddEmployee(t, s, "Ann")

	if _, err := s.AssignKey(helen, Serial("SN-H1"), tEmail("Ann")); err != nil {
		t.Fatalf("helpdesk assign: %v", err)
	}
	if _, err := s.ShowCode(helen, Serial("SN-H1")); err != nil {
		t.Fatalf("helpdesk show code: %v", err)
	}
	if _, err := s.ReissueCode(helen, Serial("SN-H1")); err != nil {
		t.Fatalf("helpdesk reissue: %v", err)
	}
	last := tAudit(t, s)
	if got := last[len(last)-1].Actor; !strings.HasPrefix(got, "helen (helpdesk, SHA256:") {
		t.Errorf("audit actor %q, want helen with her role and key", got)
	}

	err := tOnlyAuditedAs(t, s, model.ActionAccessRefused, func() error {
		_, err := s.CompromiseKey(helen, Serial("SN-H1"), model.Lost, "SN-H1", "")
		return err
	})
	if want := "helen is helpdesk: marking a key compromised needs an admin"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
	all := tAudit(t, s)
	refusal := all[len(all)-1]
	if refusal.Target != "key compromise" || !strings.HasPrefix(refusal.Actor, "helen (helpdesk") {
		t.Errorf("refusal entry %+v", refusal)
	}
	tOnlyAuditedAs(t, s, model.ActionAccessRefused, func() error {
		_, err := s.ImportKeys(helen, []KeyRow{{Line: 2, KeyInput: model.KeyInput{Serial: "SN-NEW"}}})
		return err
	})
	tOnlyAuditedAs(t, s, model.ActionAccessRefused, func() error { return s.DeleteEmployee(helen, Email(tEmail("Ann"))) })
	tOnlyAuditedAs(t, s, model.ActionAccessRefused, func() error {
		return s.SetSMTPSettings(helen, model.SMTPSettings{Host: "smtp.example.com", Port: 587, TLS: model.TLSStartTLS, From: "it@example.com"}, 0)
	})
	tOnlyAuditedAs(t, s, model.ActionAccessRefused, func() error {
		_, err := s.Backup(helen, &strings.Builder{}, "stdout")
		return err
	})
	tOnlyAuditedAs(t, s, model.ActionAccessRefused, func() error {
		return s.AuditOldestFirst(helen, func(model.AuditEntry) error { return nil })
	})
	tOnlyAuditedAs(t, s, model.ActionAccessRefused, func() error {
		_, err := s.Admins(helen)
		return err
	})
	tVerify(t, s)
}

// An auditor reads, the trail included, and changes nothing.
func TestAuditorOnlyReads(t *testing.T) {
	s, _ := tOpen(t)
	una := tSSH(t, s, "una", model.RoleAuditor, 2)
	tKeyIn(t, s, "SN-U1", "Ann", model.Reserved)
	n := 0
	if err := s.AuditOldestFirst(una, func(model.AuditEntry) error { n++; return nil }); err != nil || n == 0 {
		t.Fatalf("auditor export: %d entries, %v", n, err)
	}
	if _, err := s.Admins(una); err != nil {
		t.Fatalf("auditor admin list: %v", err)
	}
	err := tOnlyAuditedAs(t, s, model.ActionAccessRefused, func() error {
		_, err := s.ShowCode(una, Serial("SN-U1"))
		return err
	})
	tRefusedWith(t, err, "una is auditor: showing an activation code needs an admin or helpdesk")
	tOnlyAuditedAs(t, s, model.ActionAccessRefused, func() error {
		_, err := s.AddEmployee(una, tPerson("Bo"), "")
		return err
	})
}

// A role changed while a session is open takes effect at its next action;
// an admin removed is refused at theirs.
func TestRoleChangesTakeEffectAtTheNextAction(t *testing.T) {
	s, _ := tOpen(t)
	bob := tSSH(t, s, "bob", model.RoleAdmin, 3)
	tSSH(t, s, "root2", model.RoleAdmin, 4) // so that bob is not the last admin
	tKeyIn(t, s, "SN-R1", "Ann", model.Active)
	tKeyIn(t, s, "SN-R2", "Bea", model.Active)
	if _, err := s.SuspendKey(bob, Serial("SN-R1"), ""); err != nil {
		t.Fatalf("as admin: %v", err)
	}
	if _, err := s.SetAdminRole(tAdmin, "bob", model.RoleAuditor); err != nil {
		t.Fatal(err)
	}
	if actor, err := s.Resolve(bob); err != nil || actor.Role != model.RoleAuditor {
		t.Errorf("Resolve after the change: %+v, %v", actor, err)
	}
	tOnlyAuditedAs(t, s, model.ActionAccessRefused, func() error {
		_, err := s.SuspendKey(bob, Serial("SN-R2"), "")
		return err
	})
	if _, err := s.RemoveAdmin(tAdmin, "bob"); err != nil {
		t.Fatal(err)
	}
	err := tOnlyAuditedAs(t, s, model.ActionAccessRefused, func() error {
		_, err := s.SuspendKey(bob, Serial("SN-R2"), "")
		return err
	})
	tRefusedWith(t, err, "is no longer an admin")
}

// authorized_keys is the bootstrap: a key found only there is an admin; a
// key in both places has the database's role.
func TestBootstrapKeysAreAdminsUnlessTheTableSaysOtherwise(t *testing.T) {
	s, _ := tOpen(t)
	line := tKeyLine(t, 5)
	key, err := model.ParseAdminKey(line)
	if err != nil {
		t.Fatal(err)
	}
	boot := model.Actor{Name: "carol", Fingerprint: key.Fingerprint, Bootstrap: true}
	tKeyIn(t, s, "SN-B1", "Ann", model.Active)
	if _, err := s.SuspendKey(boot, Serial("SN-B1"), ""); err != nil {
		t.Fatalf("bootstrap key: %v", err)
	}
	if _, err := s.AddAdmin(tAdmin, "carol", model.RoleHelpdesk, line); err != nil {
		t.Fatal(err)
	}
	tOnlyAuditedAs(t, s, model.ActionAccessRefused, func() error {
		_, err := s.RemoveKey(boot, Serial("SN-B1"), model.Broken, "")
		return err
	})
	unknown := model.Actor{Name: "dave", Fingerprint: "SHA256:nobody"}
	tOnlyAuditedAs(t, s, model.ActionAccessRefused, func() error {
		_, err := s.ShowCode(unknown, Serial("SN-B1"))
		return err
	})
}

func TestAdminTableRules(t *testing.T) {
	s, _ := tOpen(t)
	ann := tSSH(t, s, "Ann", model.RoleAdmin, 6)
	if ann.Name != "ann" {
		t.Errorf("name stored as %q, want it lower case", ann.Name)
	}
	tUnchanged(t, s, func() error { _, err := s.AddAdmin(tAdmin, "ANN", model.RoleHelpdesk, tKeyLine(t, 7)); return err })
	err := tUnchanged(t, s, func() error { _, err := s.AddAdmin(tAdmin, "other", model.RoleHelpdesk, tKeyLine(t, 6)); return err })
	tRefusedWith(t, err, "already ann's", "one admin only")
	err = tUnchanged(t, s, func() error { _, err := s.RemoveAdmin(tAdmin, "ann"); return err })
	tRefusedWith(t, err, "ann is the last admin")
	err = tUnchanged(t, s, func() error { _, err := s.SetAdminRole(tAdmin, "ann", model.RoleHelpdesk); return err })
	tRefusedWith(t, err, "ann is the last admin")
	tUnchanged(t, s, func() error { _, err := s.SetAdminRole(tAdmin, "ann", model.RoleAdmin); return err })
	tUnchanged(t, s, func() error { _, err := s.RemoveAdmin(tAdmin, "nobody"); return err })
	tUnchanged(t, s, func() error { _, err := s.AddAdmin(tAdmin, "bad name", model.RoleHelpdesk, tKeyLine(t, 8)); return err })
	tUnchanged(t, s, func() error { _, err := s.AddAdmin(tAdmin, "x", model.RoleHelpdesk, "not a key"); return err })

	tSSH(t, s, "zed", model.RoleHelpdesk, 9)
	tSSH(t, s, "bea", model.RoleAdmin, 10)
	if _, err := s.SetAdminRole(tAdmin, "ann", model.RoleAuditor); err != nil {
		t.Fatalf("demoting one of two admins: %v", err)
	}
	list, err := s.Admins(tAdmin)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range list {
		got = append(got, fmt.Sprintf("%s=%s", a.Name, a.Role))
	}
	if strings.Join(got, " ") != "ann=auditor bea=admin zed=helpdesk" {
		t.Errorf("admins %v", got)
	}
	var actions []string
	for _, e := range tAudit(t, s) {
		actions = append(actions, string(e.Action))
	}
	if n := strings.Count(strings.Join(actions, " "), "admin.added"); n != 3 {
		t.Errorf("%d admin.added entries, want 3: %v", n, actions)
	}
	tVerify(t, s)
}

// "Last seen" is written at most once a minute: short SSH sessions would
// otherwise double the writes.
func TestAdminSeenIsThrottled(t *testing.T) {
	s, clock := tOpen(t)
	ann := tSSH(t, s, "ann", model.RoleAdmin, 11)
	if err := s.AdminSeen(ann.Fingerprint); err != nil {
		t.Fatal(err)
	}
	first, _, _ := s.AdminByFingerprint(ann.Fingerprint)
	if !first.LastSeen.Equal(tStart) {
		t.Errorf("last seen %v, want %v", first.LastSeen, tStart)
	}
	clock.Advance(10e9)
	s.AdminSeen(ann.Fingerprint)
	if again, _, _ := s.AdminByFingerprint(ann.Fingerprint); again.Rev != first.Rev {
		t.Error("last seen rewritten after ten seconds")
	}
	clock.Advance(lastSeenStep)
	s.AdminSeen(ann.Fingerprint)
	if later, _, _ := s.AdminByFingerprint(ann.Fingerprint); !later.LastSeen.After(tStart) {
		t.Error("last seen not written after a minute")
	}
}

// A key let in by authorized_keys loses its rights at its next action
// once the file no longer lists it, as one removed from the table does.
func TestBootstrapKeysAreAskedAtEveryAction(t *testing.T) {
	s, _ := tOpen(t)
	tKeyIn(t, s, "SN-L1", "Ann", model.Reserved)
	boot := model.Actor{Name: "carol", Fingerprint: "SHA256:carol", Bootstrap: true}
	listed := true
	s.SetBootstrap(func(fp string) bool { return listed && fp == "SHA256:carol" })
	if _, err := s.ShowCode(boot, Serial("SN-L1")); err != nil {
		t.Fatalf("a listed key: %v", err)
	}
	listed = false
	err := tOnlyAuditedAs(t, s, model.ActionAccessRefused, func() error {
		_, err := s.ShowCode(boot, Serial("SN-L1"))
		return err
	})
	tRefusedWith(t, err, "carol: the key SHA256:carol is no longer an admin")
	if _, err := s.ShowCode(tAdmin, Serial("SN-L1")); err != nil {
		t.Errorf("the local admin is not asked of the file: %v", err)
	}
}

// Adding an employee with a key is adding and assigning: both must be
// allowed.
func TestAddingWithAKeyNeedsBothOperations(t *testing.T) {
	s, _ := tOpen(t)
	tImportKeys(t, s, "SN-E1")
	una := tSSH(t, s, "una", model.RoleAuditor, 20)
	err := tOnlyAuditedAs(t, s, model.ActionAccessRefused, func() error {
		_, err := s.AddEmployee(una, tPerson("Zoe"), "SN-E1")
		return err
	})
	tRefusedWith(t, err, "una is auditor: adding an employee needs an admin or helpdesk")
}
