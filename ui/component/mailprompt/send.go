package mailprompt

import (
	"errors"
	"fmt"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/store"
)

// sentMsg is the answer of one send, tagged with the prompt's request.
type sentMsg struct {
	id  int64
	to  string
	err error
}

// send sends (the code, or a test message) through the store, which
// checks the role, reads the settings as they are now and, for a code,
// writes the audit entry of the attempt, sent or not, in the same command:
// an admin who leaves the screen meanwhile leaves no attempt unrecorded.
func (m *Model) send(to string) tea.Cmd {
	cfg, j, id := m.cfg, m.job, m.id
	hint := cfg.setupHint() // asks the session's role: here, not in the command
	opt := store.MailOptions{RootCAs: cfg.RootCAs, Timeout: cfg.Timeout}
	return func() tea.Msg {
		var err error
		if j.code != nil {
			err = cfg.Store.EmailCode(cfg.Context, cfg.Actor, *j.code, to, opt)
		} else {
			err = cfg.Store.SendTestMail(cfg.Context, cfg.Actor, to, opt)
		}
		if errors.Is(err, store.ErrNoMailServer) {
			err = noServer(hint)
		}
		return sentMsg{id: id, to: to, err: err}
	}
}

// noServer says there is no mail server, and where to set one up.
func noServer(hint string) error { return fmt.Errorf("%w: %s", store.ErrNoMailServer, hint) }
