package serve_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"math"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/crypto/ssh"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/cli"
)

// roleFixture is a served database with keys in every status, and a
// helpdesk and an auditor in the admins table.
type roleFixture struct {
	h            *harness
	helen, una   admin
	bySt         map[model.Status]string // a serial in each status
	free, holder string                  // an employee without a key, one with
}

func newRoleFixture(t *testing.T) *roleFixture {
	t.Helper()
	h := newHarness(t)
	h.cfg.RunCommand = func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, actor model.Actor) int {
		return cli.Run(ctx, args, cli.Env{Stdin: stdin, Stdout: stdout, Stderr: stderr, Actor: actor, Store: h.st,
			Getenv: func(string) string { return "" }})
	}
	f := &roleFixture{h: h, helen: newAdmin(t, "helen"), una: newAdmin(t, "una"), bySt: map[model.Status]string{}}
	local := model.LocalAdmin("setup")
	if err := h.st.FillDemo(local, 60, 40); err != nil {
		t.Fatal(err)
	}
	// A profile no key has, and another waiting on an Active key's device.
	for _, name := range []string{"Unused", "Spare"} {
		if _, err := h.st.AddProfile(local, name, model.DefaultRules); err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range []struct {
		who  admin
		role model.Role
	}{{f.helen, model.RoleHelpdesk}, {f.una, model.RoleAuditor}} {
		if _, err := h.st.AddAdmin(local, a.who.name, a.role, a.who.line()); err != nil {
			t.Fatal(err)
		}
	}
	snap, err := h.st.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range snap.Keys {
		if _, seen := f.bySt[k.Status]; !seen && plainWord(strings.ToLower(k.Serial)) {
			f.bySt[k.Status] = k.Serial
		}
	}
	for _, e := range snap.Employees {
		switch {
		case e.KeyID == 0 && f.free == "" && plainWord(e.Email):
			f.free = e.Email
		case e.KeyID != 0 && f.holder == "" && plainWord(e.Email):
			f.holder = e.Email
		}
	}
	if len(f.bySt) != len(model.Statuses) || f.free == "" || f.holder == "" {
		t.Fatalf("the demo data lacks a status or an employee: %v %q %q", f.bySt, f.free, f.holder)
	}
	if _, err := h.st.SetKeyProfile(local, store.Serial(f.bySt[model.Active]), "Spare"); err != nil {
		t.Fatal(err)
	}
	h.start()
	return f
}

// commandFor is a command line that asks for op and would succeed for an
// admin, with its stdin. Operations that cannot be asked over SSH have
// none.
func (f *roleFixture) commandFor(t *testing.T, op model.Operation) (cmd, stdin string, ok bool) {
	s := f.bySt
	switch op {
	case model.OpDemo:
		return "demo --keys 1 --employees 1", "", true
	case model.OpImportKeys:
		return "import keys -", "serial\nNEW-1\n", true
	case model.OpImportEmployees:
		return "import employees -", "first_name,email\nZed,zed@example.com\n", true
	case model.OpExportKeys:
		return "export keys", "", true
	case model.OpExportEmployees:
		return "export employees", "", true
	case model.OpExportAudit:
		return "export audit", "", true
	case model.OpAuditVerify:
		return "audit verify", "", true
	case model.OpEmployeeAdd:
		return "employee add --first Zed --email zed@example.com", "", true
	case model.OpEmployeeEdit:
		return "employee edit " + f.free + " --phone 555", "", true
	case model.OpEmployeeDelete:
		return "employee delete " + f.free, "", true
	case model.OpKeyAssign:
		return "key assign " + s[model.Ready] + " " + f.free, "", true
	case model.OpKeyCode:
		return "key code " + s[model.Reserved], "", true
	case model.OpKeyCodeEmail:
		return "key code " + s[model.Suspended] + " --email", "", true
	case model.OpKeyReissue:
		return "key reissue " + s[model.Reserved], "", true
	case model.OpKeySuspend:
		return "key suspend " + s[model.Active], "", true
	case model.OpKeyUnlock:
		return "key unlock " + s[model.Locked], "", true
	case model.OpKeyRemove:
		return "key remove " + s[model.Active] + " --reason broken", "", true
	case model.OpKeyReportLost:
		return "key report-lost " + s[model.Active] + " --note 'left on a train'", "", true
	case model.OpKeyCompromise:
		return "key compromise " + s[model.Active] + " --reason lost --confirm " + s[model.Active], "", true
	case model.OpKeyWiped:
		return "key wiped " + s[model.Deactivated], "", true
	case model.OpDeviceActivate:
		return "device activate " + s[model.Reserved] + " 000000", "", true
	case model.OpDevicePinLocked:
		return "device pin-locked " + s[model.Active], "", true
	case model.OpSettingsShow:
		return "settings smtp", "", true
	case model.OpSettingsChange:
		return "settings smtp --host smtp.example.com --from it@example.com", "", true
	case model.OpSettingsTest:
		return "settings smtp test --to me@example.com", "", true
	case model.OpBackup:
		return "backup -", "", true
	case model.OpServe:
		return "serve", "", true
	case model.OpVersion:
		return "version", "", true
	case model.OpAdminList:
		return "admin list", "", true
	case model.OpAdminAdd:
		return "admin add zed --role auditor --key -", newAdmin(t, "zed").line(), true
	case model.OpAdminRole:
		return "admin role una helpdesk", "", true
	case model.OpAdminRemove:
		return "admin remove una", "", true
	case model.OpProfileList:
		return "profile list", "", true
	case model.OpProfileShow:
		return "profile show Default", "", true
	case model.OpProfileAdd:
		return "profile add Zed --wrong-pins 5", "", true
	case model.OpProfileEdit:
		return "profile edit Spare --wrong-pins 5", "", true
	case model.OpProfileDelete:
		return "profile delete Unused", "", true
	case model.OpKeyProfile:
		return "key profile " + s[model.Ready] + " Unused", "", true
	case model.OpKeyLicence:
		return "key licence " + s[model.Reserved] + " --until 2099-12-31", "", true
	case model.OpKeyRFID:
		return "key rfid " + s[model.Ready] + " RFNEW1", "", true
	case model.OpDeviceProfileApplied:
		return "device profile-applied " + s[model.Active], "", true
	}
	return "", "", false // the screens: not a command
}

// dumpOutsideAudit is every record of the database but the audit trail's.
func dumpOutsideAudit(t *testing.T, st *store.Store) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := st.DB().View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			if bytes.HasPrefix(name, []byte("audit")) {
				return nil
			}
			return b.ForEach(func(k, v []byte) error {
				if string(name) == "meta" && string(k) == "audit_head" {
					return nil
				}
				out[fmt.Sprintf("%s %x", name, k)] = string(v)
				return nil
			})
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func auditLen(t *testing.T, st *store.Store) int {
	t.Helper()
	all, _, err := st.AuditOlder(0, math.MaxInt, nil)
	if err != nil {
		t.Fatal(err)
	}
	return len(all)
}

func newestAudit(t *testing.T, st *store.Store) model.AuditEntry {
	t.Helper()
	newest, _, err := st.AuditOlder(0, 1, nil)
	if err != nil || len(newest) != 1 {
		t.Fatalf("the newest audit entry: %v (%d read)", err, len(newest))
	}
	return newest[0]
}

// Every operation a role does not allow, asked over SSH with a key of that
// role, exits 1 with the model's words, changes nothing, and leaves one
// refusal in the audit trail.
func TestEveryRefusedOperationOverSSH(t *testing.T) {
	f := newRoleFixture(t)
	people := map[model.Role]admin{model.RoleHelpdesk: f.helen, model.RoleAuditor: f.una}
	tried := 0
	for _, role := range []model.Role{model.RoleHelpdesk, model.RoleAuditor} {
		who := people[role]
		c := f.h.login(who)
		// Logging in notes "last seen" (at most once a minute): do it
		// before the records are compared.
		if got := runCommand(t, c, "version", ""); got.status != 0 {
			t.Fatalf("version as %s: %+v", role, got)
		}
		for _, op := range model.Operations {
			if model.Permitted(role, op) {
				continue
			}
			cmd, stdin, ok := f.commandFor(t, op)
			if !ok {
				continue
			}
			t.Run(role.String()+"/"+op.Command(), func(t *testing.T) {
				before, n := dumpOutsideAudit(t, f.h.st), auditLen(t, f.h.st)
				got := runCommand(t, c, cmd, stdin)
				asked := op
				if op == model.OpKeyCodeEmail {
					asked = model.OpKeyCode // the code is shown before it is sent
				}
				want := model.Permit(model.SSHAdmin(who.name, who.fingerprint(), role), asked).Error()
				if got.status != 1 || got.stderr != "keydesk: "+want+"\n" {
					t.Errorf("%s as %s: status %d, stderr %q; want 1 and %q", cmd, role, got.status, got.stderr, want)
				}
				if got.stdout != "" {
					t.Errorf("%s as %s wrote %q to stdout", cmd, role, got.stdout)
				}
				if after := dumpOutsideAudit(t, f.h.st); !maps.Equal(before, after) {
					for k, v := range after {
						if before[k] != v {
							t.Errorf("%s as %s changed %s", cmd, role, k)
						}
					}
					for k := range before {
						if _, ok := after[k]; !ok {
							t.Errorf("%s as %s removed %s", cmd, role, k)
						}
					}
				}
				e := newestAudit(t, f.h.st)
				if asked != op {
					// The very refusal key code got just before: counted
					// with it, not written again (store/refusals.go).
					if auditLen(t, f.h.st) != n {
						t.Errorf("%s as %s: the refusal identical to the one before was written again", cmd, role)
					}
					return
				}
				if auditLen(t, f.h.st) != n+1 || e.Action != model.ActionAccessRefused || e.Note != want ||
					e.Actor != who.name+" ("+role.String()+", "+who.fingerprint()+")" {
					t.Errorf("%s as %s: newest audit entry %+v, want one access.refused by %s", cmd, role, e, who.name)
				}
			})
			tried++
		}
	}
	if tried < 20 {
		t.Errorf("only %d refused pairs were tried", tried)
	}
	if _, err := f.h.st.VerifyAudit(); err != nil {
		t.Error(err)
	}
}

// What a role allows works over SSH, and the trail names the actor with
// the role.
func TestHelpdeskWorksOverSSH(t *testing.T) {
	f := newRoleFixture(t)
	c := f.h.login(f.helen)
	for _, op := range []model.Operation{model.OpKeyAssign, model.OpKeyCode, model.OpKeyReissue, model.OpKeySuspend,
		model.OpKeyUnlock, model.OpEmployeeEdit, model.OpExportKeys, model.OpAuditVerify, model.OpSettingsShow,
		model.OpProfileList, model.OpProfileShow} {
		cmd, stdin, _ := f.commandFor(t, op)
		if got := runCommand(t, c, cmd, stdin); got.status != 0 {
			t.Errorf("%s as helpdesk: status %d, %s", cmd, got.status, got.stderr)
		}
	}
	e := newestAudit(t, f.h.st)
	if want := "helen (helpdesk, " + f.helen.fingerprint() + ")"; e.Actor != want {
		t.Errorf("newest audit actor %q, want %q", e.Actor, want)
	}
	got := runCommand(t, c, "key compromise "+f.bySt[model.Suspended]+" --reason stolen --confirm "+f.bySt[model.Suspended], "")
	if want := "keydesk: helen is helpdesk: marking a key compromised needs an admin\n"; got.status != 1 || got.stderr != want {
		t.Errorf("compromise as helpdesk: %d %q, want 1 %q", got.status, got.stderr, want)
	}
}

// A role changed while a connection is open counts at its next command;
// an admin removed from the table cannot log in again.
func TestRoleChangeCountsAtTheNextCommand(t *testing.T) {
	f := newRoleFixture(t)
	c := f.h.login(f.una)
	if got := runCommand(t, c, "key code "+f.bySt[model.Reserved], ""); got.status != 1 {
		t.Fatalf("auditor showed a code: %+v", got)
	}
	if _, err := f.h.st.SetAdminRole(model.LocalAdmin("boss"), "una", model.RoleHelpdesk); err != nil {
		t.Fatal(err)
	}
	if got := runCommand(t, c, "key code "+f.bySt[model.Reserved], ""); got.status != 0 {
		t.Errorf("after becoming helpdesk: %d %q", got.status, got.stderr)
	}
	if _, err := f.h.st.RemoveAdmin(model.LocalAdmin("boss"), "una"); err != nil {
		t.Fatal(err)
	}
	if got := runCommand(t, c, "export keys", ""); got.status != 1 || !strings.Contains(got.stderr, "no longer") {
		t.Errorf("after removal: %d %q", got.status, got.stderr)
	}
	if _, err := f.h.dial(ssh.PublicKeys(f.una.signer)); err == nil {
		t.Error("a removed admin logged in again")
	}
}

// serve tells the store to ask authorized_keys at every action: a session
// let in by a line of the file (a TUI stays open for hours) loses its
// rights once the line is removed, without logging in again.
func TestAuthorizedKeysLineRemovedCountsAtTheNextAction(t *testing.T) {
	f := newRoleFixture(t)
	alice := model.Actor{Name: "alice", Fingerprint: f.h.alice.fingerprint(), Bootstrap: true}
	if _, err := f.h.st.ShowCode(alice, store.Serial(f.bySt[model.Reserved])); err != nil {
		t.Fatalf("alice, in authorized_keys: %v", err)
	}
	writeAuthorizedKeys(t, filepath.Join(f.h.dir, "authorized_keys"), f.h.bob)
	_, err := f.h.st.ShowCode(alice, store.Serial(f.bySt[model.Reserved]))
	if err == nil || !strings.Contains(err.Error(), "is no longer an admin") {
		t.Errorf("alice after her line was removed: %v", err)
	}
}
