package ui

import (
	"math"
	"strings"
	"testing"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
)

// A helpdesk person is never offered what their role may not do, and
// the keys of it do nothing: no dialog opens, nothing is refused after
// the fact, the database does not change.
func TestHelpdeskIsOfferedOnlyTheirActions(t *testing.T) {
	st := tFixtureStore(t)
	helen := tAddAdmin(t, st, "helen", model.RoleHelpdesk)
	// Remote false: the import key is hidden by the role, not by SSH.
	d := newDriverWith(t, Config{Store: st, Actor: helen}, 80, 24)
	d.press("esc", "1")
	if f := d.footer(); !strings.Contains(f, "n new") || !strings.Contains(f, "e edit") || strings.Contains(f, "D delete") {
		t.Errorf("Employees footer %q: want new and edit, not delete", f)
	}
	before := auditCount(t, st)
	d.press("D")
	d.mustNotSee("Delete ")
	d.press("2")
	if f := d.footer(); strings.Contains(f, "import") {
		t.Errorf("Keys footer %q offers import", f)
	}
	d.press("i")
	d.mustNotSee("Import keys")

	active := keyIn(t, st, model.Active)
	d.press("/", active.Serial, "enter")
	d.mustSee("Key actions   s suspend")
	d.mustNotSee("remove", "compromised")
	d.press("enter", "X", "R")
	d.mustNotSee("Mark key", "Remove key")
	d.mustSee("Actions       s suspend")

	deactivated := keyIn(t, st, model.Deactivated)
	d.press("esc", "esc", "/", deactivated.Serial, "enter", "enter")
	d.mustSee("Actions       none for your role (helpdesk)")
	d.press("W")
	d.mustNotSee("Mark key")

	d.press("4")
	d.mustSee("Actions       none", "An admin can set one up")
	d.press("e", "t")
	d.mustNotSee("Edit the mail server", "Send a test message to")
	if statusOf(t, st, active.Serial) != model.Active || statusOf(t, st, deactivated.Serial) != model.Deactivated {
		t.Fatal("a key changed")
	}
	if n := auditCount(t, st); n != before {
		t.Fatalf("the audit trail grew from %d to %d entries: something was tried and refused", before, n)
	}
}

// An auditor reads: no call screen, no actions anywhere, no wizard.
func TestAuditorIsOfferedNothing(t *testing.T) {
	st := tFixtureStore(t)
	d := newDriverAs(t, st, tAddAdmin(t, st, "audrey", model.RoleAuditor), 80, 24)
	d.mustSee("[1 Employees]", "audrey · auditor")
	d.mustNotSee("0 Call", "Key actions")
	if f := d.footer(); strings.Contains(f, "new") || strings.Contains(f, "edit") || strings.Contains(f, "delete") {
		t.Errorf("Employees footer %q offers changes", f)
	}
	d.press("0")
	d.mustNotSee("Caller")
	d.press("n")
	d.mustNotSee("Who is the new employee?") // the wizard's first page
	if d.app.wizard != nil {
		t.Fatal("n opened the wizard for an auditor")
	}
	d.press("?")
	d.mustNotSee("n new", "a assign", "c show code", "0 call")
}

// A role changed while the session is open counts at its next action:
// the store's change signal has the role looked up again.
func TestRoleChangeTakesEffectInTheOpenSession(t *testing.T) {
	st := tFixtureStore(t)
	ann := tAddAdmin(t, st, "ann", model.RoleAdmin)
	tAddAdmin(t, st, "root", model.RoleAdmin) // ann is not the last admin
	d := newDriverAs(t, st, ann, 80, 24)
	active := keyIn(t, st, model.Active)
	d.press("2", "/", active.Serial, "enter", "enter")
	d.mustSee("ann · admin", "X compromised")

	if _, err := st.SetAdminRole(tActor, "ann", model.RoleHelpdesk); err != nil {
		t.Fatal(err)
	}
	d.reload()
	d.mustSee("ann · helpdesk", "Actions       s suspend", "your role is now helpdesk (it was admin)")
	d.mustNotSee("X compromised")
	d.press("X")
	d.mustNotSee("Mark key")

	// Down to auditor while on the call screen: the screen goes away.
	d.press("0")
	d.mustSee("[0 Call]")
	if _, err := st.SetAdminRole(tActor, "ann", model.RoleAuditor); err != nil {
		t.Fatal(err)
	}
	d.reload()
	d.mustSee("ann · auditor", "[1 Employees]")
	d.mustNotSee("0 Call")

	if _, err := st.SetAdminRole(tActor, "ann", model.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	d.reload()
	d.mustSee("ann · admin", "0 Call", "n new")
}

// An admin removed while their session is open sees why, and can only
// quit.
func TestRemovedAdminCanOnlyQuit(t *testing.T) {
	st := tFixtureStore(t)
	helen := tAddAdmin(t, st, "helen", model.RoleHelpdesk)
	d := newDriverAs(t, st, helen, 80, 24)
	d.press("lovelace", "enter")
	d.mustSee("Call  Ada Lovelace")
	if _, err := st.RemoveAdmin(tActor, "helen"); err != nil {
		t.Fatal(err)
	}
	d.reload()
	d.mustSee("This session can do nothing more.", "an admin of this database", "Press q to quit.")
	d.mustNotSee("Ada Lovelace", "keydesk ")
	before := auditCount(t, st)
	for _, k := range []string{"c", "r", "enter", "2", "esc"} {
		d.press(k)
		if d.quit {
			t.Fatalf("%s quit", k)
		}
	}
	d.mustSee("This session can do nothing more.")
	if n := auditCount(t, st); n != before || d.quit {
		t.Fatalf("keys acted after the removal (audit %d → %d, quit %v)", before, n, d.quit)
	}
	d.press("q")
	if !d.quit {
		t.Fatal("q did not quit")
	}
}

// The first look-up of the role comes from the store, not from what the
// session was opened with: a key in the admins table has the table's
// role even when the session was let in as an admin.
func TestTheStoresRoleWinsAtStart(t *testing.T) {
	st := tFixtureStore(t)
	helen := tAddAdmin(t, st, "helen", model.RoleHelpdesk)
	opened := helen
	opened.Role, opened.Bootstrap = model.RoleAdmin, true // as authorized_keys would say
	d := newDriverAs(t, st, opened, 80, 24)
	d.mustSee("helen · helpdesk")
	d.mustNotSee("helen · admin")
}

// The history names actors with their role and without the key's
// fingerprint; the audit entry's page keeps all of it.
func TestHistoryNamesActorsReadably(t *testing.T) {
	st := tFixtureStore(t)
	helen := tAddAdmin(t, st, "helen", model.RoleHelpdesk)
	reserved := keyIn(t, st, model.Reserved)
	if _, err := st.ShowCode(helen, store.Serial(reserved.Serial)); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, st, 80, 24)
	d.press("2", "/", reserved.Serial, "enter", "enter")
	d.mustSee("helen · helpdesk")
	d.mustNotSee("SHA256")
	d.press("3", "enter")
	d.mustSee("Actor         helen (helpdesk,", helen.Fingerprint+")")
}

func auditCount(t testing.TB, st *store.Store) int {
	t.Helper()
	all, _, err := st.AuditOlder(0, math.MaxInt, nil)
	if err != nil {
		t.Fatal(err)
	}
	return len(all)
}

// What the helpdesk may do on the Employees screen works: the wizard for
// a new joiner, the edit form.
func TestHelpdeskAddsAndEditsEmployees(t *testing.T) {
	d := helpdeskDriver(t)
	d.press("esc", "1", "n")
	if d.app.wizard == nil {
		t.Fatal("n opened no wizard for the helpdesk")
	}
	d.press("esc")
	if d.app.wizard != nil {
		t.Fatal("esc on an empty wizard did not close it")
	}
	d.press("e")
	d.mustSee("Edit Ada Lovelace")
}
