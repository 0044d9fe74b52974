package serve

import (
	"errors"
	"io"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/ssh"
	bm "github.com/charmbracelet/wish/bubbletea"
)

// resizesPerSecond bounds how often a session's screen is redrawn whole
// for a new terminal size.
const resizesPerSecond = 10

// tuiMiddleware runs the TUI for a session with a terminal and no
// command, and hands every other session on. It is wish's Bubble Tea
// middleware less its log: a screen whose client has gone is killed (see
// tuiProgram), which is no error to report.
func (s *server) tuiMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		p := s.tuiProgram(sess)
		if p == nil {
			next(sess)
			return
		}
		_, sizes, _ := sess.Pty() // bounded: see boundTerminal
		done := make(chan struct{})
		go func() {
			for {
				select {
				case <-done:
					return
				case w, ok := <-sizes:
					if !ok {
						return
					}
					p.Send(tea.WindowSizeMsg{Width: w.Width, Height: w.Height})
					// A new size redraws the whole screen: a client sending
					// sizes in a loop gets at most resizesPerSecond of them
					// drawn, the newest each time (see newestWindow).
					select {
					case <-done:
						return
					case <-time.After(time.Second / resizesPerSecond):
					}
				}
			}
		}()
		if _, err := p.Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) {
			s.log.Error("the screens of a session stopped with an error", "from", sess.RemoteAddr().String(), "err", err)
		}
		p.Kill() // restores the terminal if the program panicked
		close(done)
		next(sess)
	}
}

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
	// info.ctx, not sess.Context(): that one belongs to the connection,
	// which may carry other sessions and outlive this one.
	model := s.cfg.NewTUI(info.ctx, s.cfg.Store, info.actor, renderer)
	keys := newEndingReader(input)
	p := tea.NewProgram(model,
		tea.WithInput(keys),
		tea.WithOutput(sess),
		tea.WithAltScreen(),
		// The server's own SIGINT/SIGTERM must not reach every admin's
		// program at once: shutdown ends the sessions after the grace.
		tea.WithoutSignalHandler(),
	)
	go func() {
		select {
		case <-sess.Context().Done():
			// The connection is gone: nobody sees this screen any more, so
			// it stops now, not after the frame or the messages queued.
			p.Kill()
		case <-keys.ended:
			// The client closed this session, perhaps on a connection that
			// carries on: nobody can quit this screen any more.
			p.Kill()
		case <-info.ctx.Done():
			// The session ended, or shutdown's grace is over: the screen
			// may say goodbye. Returns at once if the program has ended.
			p.Quit()
		}
	}()
	return p
}

// endingReader is the TUI's input; ended is closed once it fails, which
// for a session means the client closed it.
type endingReader struct {
	r     io.Reader
	once  sync.Once
	ended chan struct{}
}

func newEndingReader(r io.Reader) *endingReader {
	return &endingReader{r: r, ended: make(chan struct{})}
}

func (e *endingReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil {
		e.once.Do(func() { close(e.ended) })
	}
	return n, err
}
