package serve

import (
	"context"
	"net"
	"sync"
	"time"

	"github.com/charmbracelet/log"
	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	bm "github.com/charmbracelet/wish/bubbletea"
	"github.com/muesli/termenv"
	gossh "golang.org/x/crypto/ssh"
)

// farewell is how long shutdown waits, after asking the last sessions to
// end and again after closing their connections.
const farewell = time.Second

// server is one run of `keydesk serve`.
type server struct {
	cfg      Config
	admitted admission
	log      *log.Logger
	ssh      *ssh.Server
	limiter  *loginLimiter
	sessions sessionTracker
	conns    connSet
	active   sync.Map // ssh.Session -> *sessionInfo

	// closing is cancelled when the grace period is over: screens quit,
	// commands see their context cancelled.
	closing     context.Context
	endSessions context.CancelFunc
}

func newServer(cfg Config, admitted admission, hostKey gossh.Signer, logger *log.Logger) (*server, error) {
	s := &server{cfg: cfg, admitted: admitted, log: logger, limiter: newLoginLimiter(time.Now)}
	s.closing, s.endSessions = context.WithCancel(context.Background())
	var err error
	s.ssh, err = wish.NewServer(
		func(srv *ssh.Server) error { srv.AddHostKey(hostKey); return nil },
		wish.WithVersion("keydesk"),
		// Public keys only: with no password or keyboard-interactive
		// handler, the server offers no other method.
		wish.WithPublicKeyAuth(s.authorize),
		// No wish.WithIdleTimeout: it counts what the server sends too
		// (see idleConn, set up in acceptConn).
		ssh.EmulatePty(),
		ssh.WrapConn(s.acceptConn),
		// The last middleware runs first.
		wish.WithMiddleware(
			s.commandMiddleware,
			bm.MiddlewareWithProgramHandler(s.tuiProgram, termenv.Ascii),
			s.sessionMiddleware,
		),
	)
	if err != nil {
		return nil, err
	}
	s.ssh.ConnectionFailedCallback = s.loginFailed
	return s, nil
}

// authorize answers only "may this key log in?". It runs for every key a
// client offers, before the client has proved it holds the private half,
// so it must never decide who the admin is: the session middleware does
// that from the key the session proved.
func (s *server) authorize(_ ssh.Context, key ssh.PublicKey) bool {
	_, ok, err := s.admitted.admit(key)
	if err != nil {
		s.log.Error("cannot read who may log in: refusing every login", "path", s.admitted.path, "err", innermost(err))
	}
	return ok
}

// acceptConn refuses a host that failed to log in too often lately,
// tracks the connection for shutdown, and closes it once the client has
// sent nothing for the idle timeout.
func (s *server) acceptConn(_ ssh.Context, conn net.Conn) net.Conn {
	if !s.limiter.Allow(hostOf(conn.RemoteAddr())) {
		conn.Close()
		return nil
	}
	return withIdleTimeout(s.conns.add(conn), s.cfg.IdleTimeout)
}

// loginFailed counts a connection that ended without logging in.
func (s *server) loginFailed(conn net.Conn, err error) {
	host := hostOf(conn.RemoteAddr())
	s.log.Warn("login failed", "from", conn.RemoteAddr().String(), "err", err)
	if s.limiter.Failed(host) {
		s.log.Warn("too many failed logins: refusing this address for a while", "host", host, "for", s.limiter.shutOut)
	}
}

// shutdown stops accepting, gives the open sessions the grace period to
// end by themselves, then asks them to end, then closes their
// connections.
func (s *server) shutdown(ln net.Listener) {
	open := s.sessions.stop()
	ln.Close()
	if open > 0 {
		s.log.Info("stopping: waiting for open sessions to end", "sessions", open, "grace", s.cfg.ShutdownGrace)
	}
	if !waitFor(&s.sessions.all, s.cfg.ShutdownGrace) {
		s.endSessions()
		waitFor(&s.sessions.screens, farewell)
	}
	s.endSessions()
	s.ssh.Close()
	s.conns.closeAll()
	if !waitFor(&s.sessions.all, farewell) {
		s.log.Warn("some sessions did not end", "sessions", s.sessions.count())
	}
}

func hostOf(addr net.Addr) string {
	host, _, err := net.SplitHostPort(addr.String())
	if err != nil {
		return addr.String()
	}
	return host
}
