package serve

import (
	"context"
	"net"
	"sync"
	"time"

	"github.com/keydesk/keydesk/store/osfile"

	"github.com/charmbracelet/log"
	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	gossh "golang.org/x/crypto/ssh"
)

// farewell is how long shutdown waits, after asking the last sessions to
// end and again after closing their connections.
const farewell = time.Second

// server is one run of `keydesk serve`.
type server struct {
	cfg        Config
	admitted   admission
	log        *log.Logger
	ssh        *ssh.Server
	limiter    *loginLimiter
	handshakes *handshakes
	sessions   sessionTracker
	conns      connSet
	active     sync.Map        // ssh.Session -> *sessionInfo
	obs        serverObserver  // metrics, or noObserver (observe.go)
	stopping   <-chan struct{} // closed when shutdown begins (stopping.go)

	// closing is cancelled when the grace period is over: screens quit,
	// commands see their context cancelled.
	closing     context.Context
	endSessions context.CancelFunc
}

func newServer(cfg Config, admitted admission, hostKey gossh.Signer, logger *log.Logger) (*server, error) {
	s := &server{cfg: cfg, admitted: admitted, log: logger, limiter: newLoginLimiter(time.Now), obs: noObserver{},
		handshakes: newHandshakes(cfg.LoginGraceTime, cfg.MaxUnauthenticatedPerHost, cfg.MaxUnauthenticated, logger)}
	s.sessions.max = cfg.MaxSessions
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
			s.tuiMiddleware,
			s.sessionMiddleware,
		),
	)
	if err != nil {
		return nil, err
	}
	// What the SSH server sends first (x/crypto/ssh's version exchange):
	// a connection waiting its turn gets it at once (see greetEarly).
	s.handshakes.banner = []byte("SSH-2.0-" + s.ssh.Version + "\r\n")
	s.ssh.ConnectionFailedCallback = s.connectionFailed
	s.ssh.ServerConfigCallback = s.sshConfig
	return s, nil
}

// authorize answers only "may this key log in?". It runs for every key a
// client offers, before the client has proved it holds the private half,
// so it must never decide who the admin is: the session middleware does
// that from the key the session proved. A key refused to a shut-out
// address is refused slowly (see loginLimiter).
func (s *server) authorize(ctx ssh.Context, key ssh.PublicKey) bool {
	_, ok, err := s.admitted.admit(key)
	if err != nil {
		s.log.Error("cannot read who may log in: refusing every login", "path", s.admitted.path, "err", osfile.Innermost(err))
	}
	if !ok && s.limiter.ShutOut(hostOf(ctx.RemoteAddr())) {
		if hc, _ := ctx.Value(handshakeKey{}).(*handshakeConn); hc != nil {
			defer hc.waitingOutRefusal()()
		}
		select {
		case <-time.After(refusalDelay):
		case <-ctx.Done(): // the connection closed meanwhile
		}
	}
	return ok
}

// handshakeKey keys a connection's *handshakeConn in its ssh.Context.
type handshakeKey struct{}

// acceptConn tracks a new connection for shutdown, counts it among the
// handshakes until it logs in, and closes it once the client has sent
// nothing for the idle timeout.
func (s *server) acceptConn(ctx ssh.Context, conn net.Conn) net.Conn {
	tracked := s.conns.add(conn)
	if tracked == nil {
		return nil // shutting down
	}
	hc := s.handshakes.begin(tracked, conn)
	if hc == nil {
		return nil // closed while waiting its turn
	}
	ctx.SetValue(handshakeKey{}, hc)
	return withIdleTimeout(hc, s.cfg.IdleTimeout)
}

// sshConfig is one connection's SSH settings: its authentication attempts
// are watched.
func (s *server) sshConfig(ctx ssh.Context) *gossh.ServerConfig {
	hc, _ := ctx.Value(handshakeKey{}).(*handshakeConn)
	return &gossh.ServerConfig{
		AuthLogCallback: func(meta gossh.ConnMetadata, method string, err error) {
			s.authAttempt(hc, meta, method, err)
		},
	}
}

// authAttempt sees every authentication attempt of a connection. Only a
// key or password that was tried and refused counts as a failure: "none"
// is how every client asks which methods there are.
func (s *server) authAttempt(hc *handshakeConn, meta gossh.ConnMetadata, method string, err error) {
	host := hostOf(meta.RemoteAddr())
	if hc != nil {
		hc.h.authenticating.Store(true)
	}
	if err == nil {
		if hc != nil {
			s.handshakes.loggedIn(hc)
		}
		s.limiter.Succeeded(host)
		return
	}
	if method == "none" {
		return
	}
	if s.limiter.Failed(host) {
		s.log.Warn("too many failed logins: this address's refused keys are answered slowly for a while; authorised keys still get in",
			"host", host, "for", s.limiter.shutOut)
		return
	}
	if !s.limiter.ShutOut(host) {
		s.log.Warn("login refused", "from", meta.RemoteAddr().String(), "method", method)
	}
}

// connectionFailed hears of a connection that ended without logging in:
// a refused login is logged when refused, and a connection that closed
// early (a health check, a scan) is no failure.
func (s *server) connectionFailed(conn net.Conn, err error) {
	s.log.Debug("connection ended before logging in", "from", conn.RemoteAddr().String(), "err", err)
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
