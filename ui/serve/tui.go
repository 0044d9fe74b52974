package serve

import (
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/ssh"
	bm "github.com/charmbracelet/wish/bubbletea"
)

// tuiProgram builds the TUI for a session with a terminal and no command;
// nil lets the session through to the command handler.
func (s *server) tuiProgram(sess ssh.Session) *tea.Program {
	info := s.sessionInfoOf(sess)
	if info == nil || info.kind != kindScreens {
		return nil
	}
	input := newSessionInput(sess, info.ctx.Done())
	// Styled for this client's terminal: its TERM, its NO_COLOR, its
	// background, not the server's.
	renderer := bm.MakeRenderer(newQuerySession(sess, input))
	model := s.cfg.NewTUI(s.cfg.Store, info.actor, renderer)
	p := tea.NewProgram(model,
		tea.WithInput(input),
		tea.WithOutput(sess),
		tea.WithAltScreen(),
		// The server's own SIGINT/SIGTERM must not reach every admin's
		// program at once: shutdown ends the sessions after the grace.
		tea.WithoutSignalHandler(),
	)
	go func() {
		<-info.ctx.Done()
		p.Quit() // returns at once if the program has already ended
	}()
	return p
}
