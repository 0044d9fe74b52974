package wizard

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/store/mailer/smtptest"
)

// E-mailing the code from the Result page (SPEC 4), to a real SMTP server
// on 127.0.0.1.

func mailHarness(t *testing.T, srv *smtptest.Server) *harness {
	t.Helper()
	configured := srv != nil
	h := newHarnessWith(t, func(c *Config) {
		c.MailConfigured = func() bool { return configured }
		c.MailTimeout = 5 * time.Second
		if srv != nil {
			c.MailRootCAs = srv.RootCAs
		}
	})
	if srv != nil {
		if err := h.s.SetSMTPSettings(tActor, srv.Settings(), 0); err != nil {
			t.Fatal(err)
		}
	}
	h.toReview(tJane, "0003")
	h.press("enter")
	h.wantPage(pageResult)
	return h
}

func TestResultMailsTheCodeToTheEmployee(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{TLS: model.TLSStartTLS})
	h := mailHarness(t, srv)
	code := h.w.created.Code
	h.wantScreen("m e-mail the code")

	h.press("m")
	h.wantScreen("E-mail the code to: "+tJane.Email, "enter send", "esc cancel")
	_, send := h.w.Update(keyMsg("enter"))
	h.wantScreen("sending the code to "+tJane.Email, model.GroupCode(code.Digits))
	h.press("enter") // done is held back while the send is on its way
	if h.done != nil {
		t.Fatal("the wizard closed while the code was being sent")
	}
	h.run(send)
	h.wantScreen("✓ code e-mailed to "+tJane.Email, model.GroupCode(code.Digits))

	msgs := srv.Messages()
	if len(msgs) != 1 || msgs[0].To[0] != tJane.Email {
		t.Fatalf("the server got %+v, want one message to %s", msgs, tJane.Email)
	}
	body, _ := msgs[0].Part("text/plain")
	if !strings.Contains(body, model.GroupCode(code.Digits)) {
		t.Errorf("the message does not carry the code:\n%s", body)
	}
	newest := newestEntry(t, h.s)
	if newest.Action != model.ActionCodeEmailed || strings.Contains(newest.Note, code.Digits) || strings.Contains(newest.Target, code.Digits) {
		t.Errorf("newest audit entry %+v, want %s without the code", newest, model.ActionCodeEmailed)
	}

	h.press("enter")
	if h.done == nil || h.done.Created == nil {
		t.Fatal("enter after the send did not finish the wizard")
	}
}

func TestResultMailToAnotherAddress(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	h := mailHarness(t, srv)
	h.press("m", "ctrl+u")
	h.typeText("desk@example.org")
	h.press("enter")
	h.wantScreen("✓ code e-mailed to desk@example.org")
	if msgs := srv.Messages(); len(msgs) != 1 || msgs[0].To[0] != "desk@example.org" {
		t.Fatalf("the server got %+v, want one message to desk@example.org", msgs)
	}
}

func TestResultMailWithoutAMailServer(t *testing.T) {
	h := mailHarness(t, nil)
	h.wantScreen("m e-mail (set up mail in 4 Settings)")
	h.press("m")
	h.wantScreen("no mail server is set up: press enter to finish, then 4 for Settings", "Activation code")
}

func TestResultMailFailureKeepsTheCode(t *testing.T) {
	h := newHarnessWith(t, func(c *Config) {
		c.MailConfigured = func() bool { return true }
	})
	if err := h.s.SetSMTPSettings(tActor, model.SMTPSettings{Host: "127.0.0.1", Port: 1, TLS: model.TLSNone, From: "keydesk@example.com"}, 0); err != nil {
		t.Fatal(err)
	}
	h.toReview(tJane, "0003")
	h.press("enter", "m", "enter")
	h.wantScreen("✗ cannot reach the mail server 127.0.0.1:1", model.GroupCode(h.w.created.Code.Digits))
	newest := newestEntry(t, h.s)
	if newest.Action != model.ActionCodeEmailFailed {
		t.Errorf("newest audit entry %+v, want %s", newest, model.ActionCodeEmailFailed)
	}
}

// Without MailConfigured (a wizard outside the app) the page offers no
// e-mail at all rather than an option that does nothing.
func TestResultWithoutMailOffersNone(t *testing.T) {
	h := newHarness(t)
	h.toReview(tJane, "0003")
	h.press("enter")
	h.wantNotScreen("e-mail")
	h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("m")})
	h.wantNotScreen("E-mail the code to")
}

// newestEntry is the audit trail's newest entry.
func newestEntry(t *testing.T, st *store.Store) model.AuditEntry {
	t.Helper()
	newest, _, err := st.AuditOlder(0, 1, nil)
	if err != nil || len(newest) != 1 {
		t.Fatalf("the newest audit entry: %v (%d read)", err, len(newest))
	}
	return newest[0]
}
