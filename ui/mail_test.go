package ui

import (
	"math"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/store/mailer/smtptest"
)

// E-mailing a code from the code screen (`m`), against a real SMTP server
// on 127.0.0.1 that speaks STARTTLS with its own certificate.

// mailDriver is the fixture inventory with the mail server of srv saved
// in the settings (none when srv is nil), on the code screen of the
// Reserved key.
func mailDriver(t *testing.T, srv *smtptest.Server) (*driver, store.CodeView) {
	t.Helper()
	st := tFixtureStore(t)
	cfg := Config{Store: st, MailTimeout: 5 * time.Second}
	if srv != nil {
		if err := st.SetSMTPSettings(tActor, srv.Settings(), 0); err != nil {
			t.Fatal(err)
		}
		cfg.MailRootCAs = srv.RootCAs
	}
	d := newDriverWith(t, cfg, 80, 24)
	k := keyIn(t, st, model.Reserved)
	d.press("2", "/", k.Serial, "enter", "c")
	view, err := st.ShowCode(tActor, store.Serial(k.Serial)) // the same code, shown again
	if err != nil {
		t.Fatal(err)
	}
	d.mustSee("Activation code", model.GroupCode(view.Digits))
	return d, view
}

// newestAudit is the newest entry of the trail.
func newestAudit(t *testing.T, st *store.Store) model.AuditEntry {
	t.Helper()
	newest, _, err := st.AuditOlder(0, 1, nil)
	if err != nil || len(newest) != 1 {
		t.Fatalf("the newest audit entry: %v (%d read)", err, len(newest))
	}
	return newest[0]
}

// wantNoCode fails if the audit entry holds the code in any form.
func wantNoCode(t *testing.T, e model.AuditEntry, digits string) {
	t.Helper()
	for _, field := range []string{e.Target, e.Note} {
		if strings.Contains(field, digits) || strings.Contains(field, model.GroupCode(digits)) {
			t.Errorf("the audit entry %s holds the code: %+v", e.Action, e)
		}
	}
}

func TestMailCodeToTheEmployeeByDefault(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{TLS: model.TLSStartTLS})
	d, view := mailDriver(t, srv)
	d.mustSee("m e-mail the code")

	d.press("m")
	d.mustSee("E-mail the code to: "+view.Email, "enter send")
	d.press("enter")
	d.mustSee("✓ code e-mailed to "+view.Email, "Activation code", model.GroupCode(view.Digits))

	msgs := srv.Messages()
	if len(msgs) != 1 || len(msgs[0].To) != 1 || msgs[0].To[0] != view.Email {
		t.Fatalf("the server got %+v, want one message to %s", msgs, view.Email)
	}
	body, err := msgs[0].Part("text/plain")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, model.GroupCode(view.Digits)) || !strings.Contains(body, view.Serial) {
		t.Errorf("the message does not carry the code and the serial:\n%s", body)
	}
	e := newestAudit(t, d.st)
	if e.Action != model.ActionCodeEmailed || e.Actor != tActorName || !strings.Contains(e.Note, view.Email) {
		t.Errorf("newest audit entry %+v, want %s to %s by %s", e, model.ActionCodeEmailed, view.Email, tActor)
	}
	wantNoCode(t, e, view.Digits)
}

func TestMailCodeToATypedAddress(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	d, view := mailDriver(t, srv)
	d.press("m", "ctrl+u", "helpdesk@example.org", "enter")
	d.mustSee("✓ code e-mailed to helpdesk@example.org", model.GroupCode(view.Digits))
	if msgs := srv.Messages(); len(msgs) != 1 || msgs[0].To[0] != "helpdesk@example.org" {
		t.Fatalf("the server got %+v, want one message to helpdesk@example.org", msgs)
	}
	if e := newestAudit(t, d.st); e.Action != model.ActionCodeEmailed || !strings.Contains(e.Note, "helpdesk@example.org") {
		t.Errorf("newest audit entry %+v, want the e-mail to helpdesk@example.org", e)
	}
}

func TestMailCodeNotAnAddressIsNotSent(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	d, _ := mailDriver(t, srv)
	before := newestAudit(t, d.st)
	d.press("m", "ctrl+u", "helpdesk", "enter")
	d.mustSee("E-mail the code to: helpdesk", "not an e-mail address")
	if len(srv.Messages()) != 0 || newestAudit(t, d.st).Seq != before.Seq {
		t.Fatal("an address that is none was sent to, or audited")
	}
	d.press("esc")
	d.mustNotSee("E-mail the code to")
	d.mustSee("Activation code")
}

func TestMailCodeFailureSaysWhyAndIsAudited(t *testing.T) {
	st := tFixtureStore(t)
	if err := st.SetSMTPSettings(tActor, model.SMTPSettings{Host: "127.0.0.1", Port: 1, TLS: model.TLSNone, From: "keydesk@example.com"}, 0); err != nil {
		t.Fatal(err)
	}
	d := newDriverWith(t, Config{Store: st, MailTimeout: 5 * time.Second}, 80, 24)
	k := keyIn(t, st, model.Reserved)
	d.press("2", "/", k.Serial, "enter", "c", "m", "enter")
	d.mustSee("✗ cannot reach the mail server 127.0.0.1:1", "Activation code")

	e := newestAudit(t, st)
	if e.Action != model.ActionCodeEmailFailed || !strings.Contains(e.Note, "cannot reach the mail server") {
		t.Errorf("newest audit entry %+v, want %s with the reason", e, model.ActionCodeEmailFailed)
	}
	view, _ := st.ShowCode(tActor, store.Serial(k.Serial))
	wantNoCode(t, e, view.Digits)
}

func TestMailCodeWithoutAMailServerPointsToSettings(t *testing.T) {
	d, _ := mailDriver(t, nil)
	before := newestAudit(t, d.st)
	d.mustSee("m e-mail (set up mail in 4 Settings)")
	d.press("m")
	d.mustSee("no mail server is set up: press 4 for Settings", "Activation code")
	if newestAudit(t, d.st).Seq != before.Seq {
		t.Error("pressing m with no mail server wrote to the audit trail")
	}
	d.press("4")
	d.mustSee("[4 Settings]", "No mail server is set up", "Press e to set one up")
}

func TestMailCodeShowsASpinnerWhileSending(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	d, view := mailDriver(t, srv)
	d.press("m")
	// enter, without running the send it starts: the screen says it is
	// on its way, the code stays.
	_, send := d.app.Update(tea.KeyMsg{Type: tea.KeyEnter})
	d.mustSee("sending the code to "+view.Email, model.GroupCode(view.Digits))
	d.mustNotSee("enter send")
	d.press("esc")
	d.mustSee("sending the code to") // the screen stays until it can say how it went
	d.run(send)
	d.mustSee("✓ code e-mailed to " + view.Email)
	d.press("esc")
	d.mustNotSee("Activation code")
}

func TestMailCodeTimeout(t *testing.T) {
	srv := smtptest.StartSilent(t)
	st := tFixtureStore(t)
	if err := st.SetSMTPSettings(tActor, model.SMTPSettings{Host: srv.Host, Port: srv.Port, TLS: model.TLSNone, From: "keydesk@example.com"}, 0); err != nil {
		t.Fatal(err)
	}
	d := newDriverWith(t, Config{Store: st, MailTimeout: 200 * time.Millisecond}, 80, 24)
	k := keyIn(t, st, model.Reserved)
	d.press("2", "/", k.Serial, "enter", "c", "m", "enter")
	d.mustSee("✗ the mail server did not answer", "Activation code")
	if e := newestAudit(t, st); e.Action != model.ActionCodeEmailFailed {
		t.Errorf("newest audit entry %+v, want %s", e, model.ActionCodeEmailFailed)
	}
}

// auditOf is the whole trail, newest first.
func auditOf(t *testing.T, st *store.Store) []model.AuditEntry {
	t.Helper()
	all, _, err := st.AuditOlder(0, math.MaxInt, nil)
	if err != nil {
		t.Fatal(err)
	}
	return all
}

// The wizard inside the app at 80x24: the code in big digits below the
// header, and `m` wired to the session's mail settings.
func TestWizardInTheAppShowsTheBigCodeAndMailsIt(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	st := tFixtureStore(t)
	if err := st.SetSMTPSettings(tActor, srv.Settings(), 0); err != nil {
		t.Fatal(err)
	}
	d := newDriverWith(t, Config{Store: st, MailTimeout: 5 * time.Second}, 80, 24)
	d.press("n", "Ada", "enter", "Byron", "enter", "ada.byron@example.com", "enter", "enter", "enter", "enter", "enter")
	d.press("down", "enter", "enter") // the first Ready key, then create
	d.mustSee("was created", "Activation code", "(in 7 days)", "█████", "m e-mail the code")
	d.press("m", "enter")
	d.mustSee("✓ code e-mailed to ada.byron@example.com")
	if msgs := srv.Messages(); len(msgs) != 1 || msgs[0].To[0] != "ada.byron@example.com" {
		t.Fatalf("the server got %+v, want one message to ada.byron@example.com", msgs)
	}
	d.press("enter")
	d.mustSee("created Ada Byron")
}

// The admin reads why a send failed, in words that say what to fix; the
// code stays on screen.
func TestMailCodeFailuresSayWhatToFix(t *testing.T) {
	for name, tc := range map[string]struct {
		opts    smtptest.Options
		trust   bool
		to      string
		wantMsg string
	}{
		"untrusted certificate": {opts: smtptest.Options{TLS: model.TLSStartTLS}, to: "ann@example.com",
			wantMsg: "is not trusted"},
		"recipient refused": {opts: smtptest.Options{RefuseRecipient: "ann@example.com"}, to: "ann@example.com",
			wantMsg: "the mail server refused the recipient ann@example.com"},
		"login refused": {opts: smtptest.Options{TLS: model.TLSImplicit, User: "kd", Password: "right"}, trust: true, to: "ann@example.com",
			wantMsg: "the mail server refused the user name or password"},
	} {
		t.Run(name, func(t *testing.T) {
			srv := smtptest.Start(t, tc.opts)
			settings := srv.Settings()
			if tc.opts.User != "" {
				settings.Password = "wrong"
			}
			st := tFixtureStore(t)
			if err := st.SetSMTPSettings(tActor, settings, 0); err != nil {
				t.Fatal(err)
			}
			cfg := Config{Store: st, MailTimeout: 5 * time.Second}
			if tc.trust {
				cfg.MailRootCAs = srv.RootCAs
			}
			d := newDriverWith(t, cfg, 80, 24)
			k := keyIn(t, st, model.Reserved)
			d.press("2", "/", k.Serial, "enter", "c", "m", "ctrl+u", tc.to, "enter")
			d.mustSee("✗ ", tc.wantMsg, "Activation code")
			if e := newestAudit(t, st); e.Action != model.ActionCodeEmailFailed || !strings.Contains(e.Note, tc.wantMsg) {
				t.Errorf("newest audit entry %+v, want %s saying %q", e, model.ActionCodeEmailFailed, tc.wantMsg)
			}
		})
	}
}

// A role taken away while the address is being typed: the code is not
// sent, and the trail says it was refused, not that it was mailed.
func TestMailCodeIsCheckedBeforeItLeaves(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{TLS: model.TLSStartTLS})
	st := tFixtureStore(t)
	if err := st.SetSMTPSettings(tActor, srv.Settings(), 0); err != nil {
		t.Fatal(err)
	}
	helen := tAddAdmin(t, st, "helen", model.RoleHelpdesk)
	d := newDriverWith(t, Config{Store: st, Actor: helen, Remote: true, MailRootCAs: srv.RootCAs, MailTimeout: 5 * time.Second}, 80, 24)
	d.press("lovelace", "enter", "c", "m")
	d.mustSee("E-mail the code to:")
	if _, err := st.SetAdminRole(tActor, "helen", model.RoleAuditor); err != nil {
		t.Fatal(err)
	}
	d.press("enter")
	d.mustSee("helen is auditor: e-mailing an activation code needs an admin or helpdesk")
	if msgs := srv.Messages(); len(msgs) != 0 {
		t.Fatalf("the server got %d messages after the role was taken away", len(msgs))
	}
	if e := newestAudit(t, st); e.Action != model.ActionAccessRefused || e.Target != model.OpKeyCodeEmail.Command() {
		t.Errorf("newest audit entry %+v, want the refusal", e)
	}
}
