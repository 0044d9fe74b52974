package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/mailer/smtptest"
)

// The Settings screen: the mail server, for everyone who uses this
// database.

const tPassword = "s3cret-Pa55"

func TestSettingsShowWithoutThePassword(t *testing.T) {
	st := tStore(t)
	saved := model.SMTPSettings{Host: "smtp.example.com", Port: 465, TLS: model.TLSImplicit,
		From: "IT desk <keydesk@example.com>", User: "keydesk", Password: tPassword}
	if err := st.SetSMTPSettings(tActor, saved, 0); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, st, 80, 24)
	d.press("4")
	d.mustSee("[4 Settings]", "smtp.example.com", "465", "implicit TLS", "IT desk <keydesk@example.com>",
		"keydesk", "Password      (set)", "e edit", "t send a test message")
	d.mustNotSee(tPassword)
	d.press("e")
	d.mustSee("Host", "smtp.example.com", "leave empty to keep the saved one")
	d.mustNotSee(tPassword)
}

func TestSettingsNotSetUp(t *testing.T) {
	d := newDriver(t, tStore(t), 80, 24)
	d.press("4")
	d.mustSee("No mail server is set up", "Press e to set one up", "t send a test message (set up mail first)")
	d.press("t")
	d.mustSee("no mail server is set up: press e to set one up")
}

// typeSettings fills the form from its first field; the TLS mode is
// chosen with ←/→ (STARTTLS first), the port left empty takes the mode's.
func typeSettings(d *driver, host string, tlsRight int, port, from, user, password string) {
	d.press("ctrl+u", host, "enter")
	for range tlsRight {
		d.press("right")
	}
	d.press("enter", "ctrl+u", port, "enter", "ctrl+u", from, "enter", "ctrl+u", user, "enter", password, "enter")
}

func TestSettingsEditSaves(t *testing.T) {
	st := tStore(t)
	d := newDriver(t, st, 80, 24)
	d.press("4", "e")
	typeSettings(d, "mail.example.com", 0, "", "keydesk@example.com", "kd", "")
	d.reload()
	got, _, err := st.SMTPSettings()
	if err != nil {
		t.Fatal(err)
	}
	want := model.SMTPSettings{Host: "mail.example.com", Port: 587, TLS: model.TLSStartTLS, From: "keydesk@example.com", User: "kd"}
	if got != want {
		t.Fatalf("saved %+v, want %+v", got, want)
	}
	d.mustSee("mail.example.com", "587", "STARTTLS", "Password      (not set)")
	if e := newestAudit(t, st); e.Action != model.ActionSettingsChanged || e.Actor != tActorName {
		t.Errorf("newest audit entry %+v, want %s by %s", e, model.ActionSettingsChanged, tActor)
	}
}

func TestSettingsPasswordIsMaskedKeptAndCleared(t *testing.T) {
	st := tStore(t)
	d := newDriver(t, st, 80, 24)
	d.press("4", "e")
	typeSettings(d, "mail.example.com", 1, "", "keydesk@example.com", "kd", "")
	if s, _, _ := st.SMTPSettings(); s.Port != 465 || s.TLS != model.TLSImplicit {
		t.Fatalf("saved %+v, want implicit TLS on port 465", s)
	}
	d.reload()

	// Typed: shown as stars, never as itself.
	d.press("e", "enter", "enter", "enter", "enter", "enter", tPassword)
	d.mustSee("Password", strings.Repeat("*", len(tPassword)))
	d.mustNotSee(tPassword)
	d.press("enter")
	d.reload()
	if s, _, _ := st.SMTPSettings(); s.Password != tPassword {
		t.Fatalf("the typed password was not saved: %+v", s)
	}
	d.mustSee("Password      (set)")
	d.mustNotSee(tPassword)

	// Left empty: kept. The form now offers to clear it.
	d.press("e", "enter", "enter", "enter", "enter", "enter", "enter")
	d.mustSee("clear it", "keep it")
	d.press("enter")
	d.reload()
	if s, _, _ := st.SMTPSettings(); s.Password != tPassword {
		t.Fatalf("an empty password field changed the saved password: %+v", s)
	}

	// Cleared on request.
	d.press("e", "enter", "enter", "enter", "enter", "enter", "enter", "left", "enter")
	d.reload()
	if s, _, _ := st.SMTPSettings(); s.Password != "" {
		t.Fatalf("the password was not cleared: %+v", s)
	}
	d.mustSee("Password      (not set)")
	for _, e := range auditOf(t, st) {
		if strings.Contains(e.Note, tPassword) {
			t.Errorf("the audit holds the password: %+v", e)
		}
	}
}

func TestSettingsValidationAtTheField(t *testing.T) {
	st := tStore(t)
	d := newDriver(t, st, 80, 24)
	d.press("4", "e", "enter")
	d.mustSee("mail server host is required")
	d.press("smtp.example.com:587", "enter")
	d.mustSee("must not include the port")
	d.press("ctrl+u", "smtp.example.com", "enter", "enter", "99999", "enter")
	d.mustSee("port must be between 1 and 65535")
	d.press("ctrl+u", "enter", "not an address", "enter")
	d.mustSee("is not a valid e-mail address")
	if s, _, _ := st.SMTPSettings(); s.Configured() {
		t.Fatalf("settings saved while the form showed problems: %+v", s)
	}
	d.press("esc")
	d.mustSee("No mail server is set up")
}

func TestSettingsTestMessageArrives(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{TLS: model.TLSImplicit, User: "kd", Password: tPassword})
	st := tStore(t)
	if err := st.SetSMTPSettings(tActor, srv.Settings(), 0); err != nil {
		t.Fatal(err)
	}
	d := newDriverWith(t, Config{Store: st, MailRootCAs: srv.RootCAs, MailTimeout: 5 * time.Second}, 80, 24)
	d.press("4", "t")
	d.mustSee("Send a test message to:", "enter send")
	d.press("admin@example.com", "enter")
	d.mustSee("✓ test message sent to admin@example.com")
	msgs := srv.Messages()
	if len(msgs) != 1 || msgs[0].To[0] != "admin@example.com" {
		t.Fatalf("the server got %+v, want one message to admin@example.com", msgs)
	}
	if subject, _ := msgs[0].Header("Subject"); !strings.Contains(subject, "test") {
		t.Errorf("subject %q, want a test message", subject)
	}
}

func TestSettingsTestMessageRefusedLogin(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{TLS: model.TLSStartTLS, User: "kd", Password: tPassword})
	st := tStore(t)
	wrong := srv.Settings()
	wrong.Password = "wrong"
	if err := st.SetSMTPSettings(tActor, wrong, 0); err != nil {
		t.Fatal(err)
	}
	d := newDriverWith(t, Config{Store: st, MailRootCAs: srv.RootCAs, MailTimeout: 5 * time.Second}, 80, 24)
	d.press("4", "t", "admin@example.com", "enter")
	d.mustSee("✗ the mail server refused the user name or password")
	d.mustNotSee("wrong")
}

func TestCtrlCAsksBeforeDroppingTheSettingsForm(t *testing.T) {
	d := newDriver(t, tStore(t), 80, 24)
	d.press("4", "e", "smtp.example.com", "ctrl+c")
	if d.quit {
		t.Fatal("quit without asking while the settings form was open")
	}
	d.mustSee("Quit keydesk?", "not saved")
	d.press("esc")
	d.mustSee("smtp.example.com")
}

// Two admins open the form on the same settings; Bob saves a new host;
// Alice, going through her unchanged form, must not put the old host back.
func TestSettingsFormOpenedBeforeAnotherSaveIsRefused(t *testing.T) {
	st := tStore(t)
	if err := st.SetSMTPSettings(tActor, model.SMTPSettings{Host: "old.example.com", Port: 587, TLS: model.TLSStartTLS,
		From: "keydesk@example.com"}, 0); err != nil {
		t.Fatal(err)
	}
	alice, bob := newDriver(t, st, 80, 24), newDriver(t, st, 80, 24)
	alice.press("4", "e")
	bob.press("4", "e")

	bob.press("ctrl+u", "new.example.com", "enter", "enter", "enter", "enter", "enter", "enter")
	bob.mustSee("mail settings saved")
	saved, rev, err := st.SMTPSettings()
	if err != nil || saved.Host != "new.example.com" {
		t.Fatalf("Bob's save: %+v, %v", saved, err)
	}
	entries := len(auditOf(t, st))

	alice.press("enter", "enter", "enter", "enter", "enter", "enter")
	alice.mustSee("✗ the mail settings were changed by someone else while you were editing them:", "look again before saving")
	alice.mustSee("Mail server", "old.example.com") // still her form, as typed
	if got, gotRev, _ := st.SMTPSettings(); got != saved || gotRev != rev {
		t.Errorf("after Alice's stale save: %+v at rev %d, want Bob's %+v at rev %d", got, gotRev, saved, rev)
	}
	if n := len(auditOf(t, st)); n != entries {
		t.Errorf("the refused save wrote %d audit entries", n-entries)
	}

	// Pressing enter again on the same form is still refused; looking
	// again (reopening on what Bob saved) lets her save.
	alice.press("enter", "enter", "enter", "enter", "enter", "enter")
	alice.mustSee("changed by someone else")
	alice.press("esc")
	alice.reload()
	alice.mustSee("new.example.com")
	alice.press("e", "ctrl+u", "alice.example.com", "enter", "enter", "enter", "enter", "enter", "enter")
	alice.mustSee("mail settings saved")
	if got, _, _ := st.SMTPSettings(); got.Host != "alice.example.com" {
		t.Errorf("Alice's save after looking again: %+v", got)
	}
}

// An admin who saves and edits again at once, before the store's change
// reaches the screen, is not told that someone else changed the settings.
func TestSettingsEditAgainRightAfterSaving(t *testing.T) {
	st := tStore(t)
	d := newDriver(t, st, 80, 24)
	d.press("4", "e")
	typeSettings(d, "first.example.com", 0, "", "keydesk@example.com", "", "")
	d.mustSee("mail settings saved", "first.example.com")
	d.press("e", "ctrl+u", "second.example.com", "enter", "enter", "enter", "enter", "enter", "enter")
	d.mustNotSee("changed by someone else")
	if got, rev, _ := st.SMTPSettings(); got.Host != "second.example.com" || rev != 2 {
		t.Errorf("second save: %+v at rev %d", got, rev)
	}
}
