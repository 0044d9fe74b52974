package wizard

import (
	"testing"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/mailer/smtptest"
)

// allowAllBut is a role that may do everything except the operations
// named: the wizard must ask Config.May, not decide itself.
func allowAllBut(denied ...model.Operation) func(model.Operation) bool {
	return func(op model.Operation) bool {
		for _, d := range denied {
			if op == d {
				return false
			}
		}
		return true
	}
}

// A role that may add employees but not assign keys goes from the
// Person page straight to the Review, with no key; Back goes to the Person page.
func TestWithoutAssignTheKeyPageIsSkipped(t *testing.T) {
	h := newHarnessWith(t, func(c *Config) { c.May = allowAllBut(model.OpKeyAssign) })
	h.fillProfile(tJane)
	h.wantPage(pageReview)
	h.wantScreen("No key")
	h.press("esc")
	h.wantPage(pageProfile)
	h.fillProfile(model.EmployeeInput{}) // keeps what was typed
	h.wantPage(pageReview)
	h.press("enter")
	h.wantPage(pageResult)
	h.wantScreen("Jane Doe was created")
}

// A role that may not e-mail a code is not offered `m` on the Result
// page, and `m` does nothing.
func TestWithoutCodeEmailTheResultOffersNoMail(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	h := newHarnessWith(t, func(c *Config) {
		c.MailConfigured = func() bool { return true }
		c.May = allowAllBut(model.OpKeyCodeEmail)
	})
	if err := h.s.SetSMTPSettings(tActor, srv.Settings(), 0); err != nil {
		t.Fatal(err)
	}
	h.toReview(tJane, "0003")
	h.press("enter")
	h.wantPage(pageResult)
	h.wantScreen("Activation code", "copy the code")
	h.wantNotScreen("e-mail")
	h.press("m")
	h.wantNotScreen("E-mail the code to")
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("%d messages sent", n)
	}
}
