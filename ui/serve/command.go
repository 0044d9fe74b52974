package serve

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"sync"

	"github.com/charmbracelet/ssh"
)

// commandMiddleware runs the session's command line, or says what to do
// when there is neither a command nor a terminal. It runs last, after the
// TUI of a session with a terminal has ended.
func (s *server) commandMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		info := s.sessionInfoOf(sess)
		if info == nil {
			next(sess)
			return
		}
		switch info.kind {
		case kindScreens:
			if s.closing.Err() != nil {
				fmt.Fprintln(sess.Stderr(), "keydesk serve has stopped: this session is closed")
			}
		case kindCommand:
			sess.Exit(s.runCommand(sess, info))
		case kindBadCommand:
			fmt.Fprintf(sess.Stderr(), "keydesk: cannot read the command: %v\n", info.badCommand)
			sess.Exit(2)
		case kindNothing:
			fmt.Fprintf(sess.Stderr(), "keydesk: ask for a terminal for the screens (ssh -t), or give a command: ssh -p %s HOST key code SERIAL\n", portOf(sess.LocalAddr()))
			sess.Exit(2)
		}
		next(sess)
	}
}

// runCommand runs one command line with the session's stdin, stdout and
// stderr, and returns its exit status.
func (s *server) runCommand(sess ssh.Session, info *sessionInfo) int {
	// Each write to a session is an SSH packet: buffer the output of
	// exports and backups.
	stdout := outputBuffers.Get().(*bufio.Writer)
	stdout.Reset(sess)
	defer func() {
		stdout.Reset(nil) // let go of the session
		outputBuffers.Put(stdout)
	}()
	var in io.Reader = sess
	var out io.Writer = stdout
	if _, _, isPty := sess.Pty(); isPty {
		// ssh -t: the emulated terminal turns every \n into \r\n, which
		// would corrupt binary output, and echoes what is typed, which
		// would show a password; commands can tell and refuse both.
		in, out = terminalReader{sess}, terminalWriter{stdout}
	}
	status := s.cfg.RunCommand(info.ctx, info.args, in, out, sess.Stderr(), info.actor)
	if err := stdout.Flush(); err != nil {
		s.log.Warn("cannot send a command's output", "admin", info.actor.String(), "err", err)
	}
	return status
}

// outputBuffers are reused: a fresh 32 KiB buffer for each command was a
// fifth of what a command over SSH allocated.
var outputBuffers = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 32<<10) }}

func portOf(addr net.Addr) string {
	_, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "PORT"
	}
	return port
}

// terminalWriter and terminalReader mark a session's output and input as
// a terminal (see cli.isTerminal): IsTerminal is the whole contract.
type terminalWriter struct{ io.Writer }

func (terminalWriter) IsTerminal() bool { return true }

type terminalReader struct{ io.Reader }

func (terminalReader) IsTerminal() bool { return true }
