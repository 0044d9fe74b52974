package serve

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/keydesk/keydesk/model"
)

// sessionKind is what a session asked for.
type sessionKind int

const (
	kindScreens    sessionKind = iota // a terminal and no command: the TUI
	kindCommand                       // a command line of SPEC 7
	kindBadCommand                    // a command that cannot be split into words
	kindNothing                       // neither a terminal nor a command
)

// sessionInfo is what the session middleware learned, for the handlers
// after it. It is kept by the server, keyed by session: sess.Context()
// belongs to the whole connection, which several sessions may share.
type sessionInfo struct {
	actor model.Actor
	kind  sessionKind
	args  []string
	// badCommand says why the command line could not be split.
	badCommand error
	// ctx ends with the session, or when shutdown's grace is over.
	ctx context.Context
}

func (s *server) sessionInfoOf(sess ssh.Session) *sessionInfo {
	if info, ok := s.active.Load(sess); ok {
		return info.(*sessionInfo)
	}
	return nil
}

// kindOf tells what a session with the command line args asks for; err is
// splitCommand's.
func kindOf(sess ssh.Session, args []string, err error) sessionKind {
	_, _, hasTerminal := sess.Pty()
	switch {
	case err != nil:
		return kindBadCommand
	case len(args) > 0:
		return kindCommand
	case hasTerminal:
		return kindScreens
	default:
		return kindNothing
	}
}

// sessionMiddleware runs first for every session: it names the admin from
// the public key the session proved (never from a key merely offered
// during authentication), and counts the session for shutdown.
func (s *server) sessionMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		sess = boundTerminal(sess)
		args, splitErr := splitCommand(sess.RawCommand())
		kind := kindOf(sess, args, splitErr)
		if err := s.sessions.begin(kind == kindScreens); err != nil {
			if errors.Is(err, errTooManySessions) {
				s.obs.SessionRefused()
				s.log.Warn("session refused: too many sessions open", "from", sess.RemoteAddr().String(), "cap", s.sessions.max)
			}
			fmt.Fprintln(sess.Stderr(), err.Error())
			sess.Exit(1)
			return
		}
		defer s.sessions.end(kind == kindScreens)
		defer s.recoverPanic(sess)

		actor, err := s.identify(sess)
		if err != nil {
			s.log.Warn("session refused", "from", sess.RemoteAddr().String(), "err", err)
			fmt.Fprintln(sess.Stderr(), "keydesk: "+err.Error())
			sess.Exit(1)
			return
		}

		defer s.observeSession(actor)()
		ctx, cancel := context.WithCancel(context.WithValue(sess.Context(), stoppingKey{}, s.stopping))
		defer cancel()
		defer context.AfterFunc(s.closing, cancel)()
		s.active.Store(sess, &sessionInfo{actor: actor, kind: kind, args: args, badCommand: splitErr, ctx: ctx})
		defer s.active.Delete(sess)

		start := time.Now()
		s.log.Info("session", "admin", actor.String(), "from", sess.RemoteAddr().String(), "doing", describe(kind, args))
		next(sess)
		s.log.Info("session ended", "admin", actor.String(), "after", time.Since(start).Round(time.Millisecond))
	}
}

// identify names the admin by the session's own key: the admins table's
// name and role for it, else the comment of its authorized_keys line. Both
// are read again, so a key removed meanwhile is refused.
func (s *server) identify(sess ssh.Session) (model.Actor, error) {
	key := sess.PublicKey()
	if key == nil {
		return model.Actor{}, fmt.Errorf("this session did not log in with a public key")
	}
	who, ok, err := s.admitted.admit(key)
	if err != nil {
		return who, fmt.Errorf("the server cannot read who may log in")
	}
	if !ok {
		return who, fmt.Errorf("your key %s is no longer authorized", gossh.FingerprintSHA256(key))
	}
	if err := s.cfg.Store.AdminSeen(who.Fingerprint); err != nil {
		s.log.Warn("cannot note when an admin was last seen", "admin", who.String(), "err", err)
	}
	return who, nil
}

// recoverPanic keeps one session's crash from taking the server, and
// every other admin's session, down with it.
func (s *server) recoverPanic(sess ssh.Session) {
	if r := recover(); r != nil {
		s.log.Error("session crashed", "panic", r, "stack", string(debug.Stack()))
		fmt.Fprintln(sess.Stderr(), "keydesk: internal error; the server log has the details")
		sess.Exit(1)
	}
}

// describe says what a session does, for the log: the command's words,
// never its arguments (a device activation carries a code).
func describe(kind sessionKind, args []string) string {
	switch kind {
	case kindScreens:
		return "screens"
	case kindCommand:
		var words []string
		for _, a := range args {
			if len(words) == 2 || strings.HasPrefix(a, "-") {
				break
			}
			words = append(words, model.Printable(a))
		}
		return "command " + strings.Join(words, " ")
	default:
		return "nothing"
	}
}
