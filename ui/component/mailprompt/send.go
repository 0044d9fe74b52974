package mailprompt

import (
	"errors"
	"fmt"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/mailer"
)

// sentMsg is the answer of one send, tagged with the prompt's request.
type sentMsg struct {
	id  int64
	to  string
	err error
}

// errNoServer is what the audit says of a send tried after the mail
// settings were removed.
var errNoServer = errors.New("no mail server is set up")

// send reads the settings as they are now, sends, and for a code writes
// the audit entry of the attempt, sent or not, in the same command: an
// admin who leaves the screen meanwhile leaves no attempt unrecorded.
func (m *Model) send(to string) tea.Cmd {
	cfg, j, id := m.cfg, m.job, m.id
	hint := cfg.setupHint() // asks the session's role: here, not in the command
	op := model.OpSettingsTest
	if j.code != nil {
		op = model.OpKeyCodeEmail
	}
	return func() tea.Msg {
		// The role is checked before anything leaves: a role changed while
		// the code was on screen must not let it be mailed.
		if err := cfg.Store.Check(cfg.Actor, op); err != nil {
			return sentMsg{id: id, to: to, err: err}
		}
		settings, _, err := cfg.Store.SMTPSettings()
		if err != nil {
			return sentMsg{id: id, to: to, err: err}
		}
		sendErr := deliver(cfg, j, settings, to)
		if j.code != nil {
			err := cfg.Store.RecordCodeEmail(cfg.Actor, j.code.Serial, to, sendErr)
			if err != nil && sendErr == nil {
				return sentMsg{id: id, to: to, err: fmt.Errorf("the code was e-mailed to %s, but the audit trail could not record it: %v", to, err)}
			}
		}
		if errors.Is(sendErr, errNoServer) {
			sendErr = errors.New("no mail server is set up: " + hint)
		}
		return sentMsg{id: id, to: to, err: sendErr}
	}
}

func deliver(cfg Config, j job, settings model.SMTPSettings, to string) error {
	if !settings.Configured() {
		return errNoServer
	}
	sender := mailer.Sender{Settings: settings, RootCAs: cfg.RootCAs}
	if cfg.Timeout > 0 {
		sender = sender.WithTimeout(cfg.Timeout)
	}
	if j.code == nil {
		return sender.SendTest(cfg.Context, to)
	}
	v := j.code
	return sender.Send(cfg.Context, mailer.CodeMessage{
		To: to, EmployeeName: v.Employee, Serial: v.Serial, Code: v.Digits, Expires: v.ExpiresAt.UTC(),
	})
}
