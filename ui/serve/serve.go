// Package serve is `keydesk serve`: the screens and the commands of
// keydesk over SSH, to many admins at once, public-key login only. One
// process owns the database; every session shares its *store.Store, so
// each admin sees the others' changes.
package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"time"

	"github.com/keydesk/keydesk/store/osfile"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	gossh "golang.org/x/crypto/ssh"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/serve/authkeys"
)

// DefaultListen is where serve listens when Config.Listen is empty: this
// machine only, until an admin decides otherwise.
const DefaultListen = "127.0.0.1:2323"

const defaultShutdownGrace = 5 * time.Second

// The defaults of the login limits, OpenSSH's LoginGraceTime (there 120 s:
// keydesk's logins are by key, never a typed password) and MaxStartups.
const (
	defaultLoginGraceTime            = 20 * time.Second
	defaultMaxUnauthenticatedPerHost = 10
	defaultMaxUnauthenticated        = 100
	defaultMaxSessions               = 100
)

// Config is what `keydesk serve` needs. The TUI and the command line are
// injected because they import this package, not the other way round.
type Config struct {
	Store              *store.Store
	DBPath             string
	Listen             string        // "127.0.0.1:2323"; ":0" style allowed for tests
	HostKeyPath        string        // "" = keydesk_host_ed25519 beside the database
	AuthorizedKeysPath string        // "" = authorized_keys beside the database
	IdleTimeout        time.Duration // 0 = none
	ShutdownGrace      time.Duration // 0 = 5 s
	Log                io.Writer     // server log; nil = io.Discard
	// AnchorPath, when set, is a file that gets the audit head (time, seq,
	// hash) appended when it moved, at most every AnchorInterval (0 = a
	// minute), and at shutdown.
	AnchorPath     string
	AnchorInterval time.Duration
	// DirectorySync, when set, syncs the employees with the LDAP
	// directory of the settings at this interval (directorysync.go).
	DirectorySync time.Duration
	// DirectorySnapshot, when set, is the snapshot CSV file that the
	// scheduled sync and the screens' preview read instead of LDAP.
	DirectorySnapshot string
	// FileCheckInterval is how often the database's path is checked to
	// still name the file serve holds, between writes; 0 = 2 s.
	FileCheckInterval time.Duration

	// How long a connection may take to log in, how many that have not
	// logged in yet may be open from one address and in all (see
	// handshakes), and how many sessions may be open at once.
	LoginGraceTime            time.Duration // 0 = 20 s
	MaxUnauthenticatedPerHost int           // 0 = 10
	MaxUnauthenticated        int           // 0 = 100
	MaxSessions               int           // 0 = 100

	// NewTUI builds the TUI model for one session, styled with that
	// session's renderer. ctx ends when that session ends (however it
	// ends: quit, dropped connection, shutdown), so the model can let go
	// of what it holds, such as its subscription to the store's changes.
	NewTUI func(ctx context.Context, st *store.Store, actor model.Actor, r *lipgloss.Renderer) tea.Model
	// RunCommand runs one command line of SPEC 7 and returns its exit
	// status.
	RunCommand func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, actor model.Actor) int
	// Ready, when set, is called once listening, with the real address.
	Ready func(addr string)

	OpsConfig // backups, metrics, log format (ops.go)
}

// Run serves until ctx is cancelled, then stops accepting, gives open
// sessions ShutdownGrace to end, closes the rest and returns. The caller
// closes the database after Run returns.
func Run(ctx context.Context, cfg Config) error {
	if err := cfg.fillDefaults(); err != nil {
		return err
	}
	logger := newLogger(cfg)
	defer startProfileHook(ctx)()
	// Serving a damaged file would bury the damage under the admins'
	// changes: refused before anyone can log in (see store.CheckSound).
	if err := cfg.Store.CheckSound(); err != nil {
		logger.Error("refusing to serve a damaged database", "path", cfg.Store.Path(), "err", err)
		return err
	}

	admitted := admission{store: cfg.Store, path: cfg.AuthorizedKeysPath, keys: &authkeys.Cache{}}
	fileKeys, tableKeys, err := admitted.checkAtStart(logger)
	if err != nil {
		return err
	}
	cfg.Store.SetBootstrap(admitted.listed)
	defer cfg.Store.SetBootstrap(nil)
	hostKey, created, err := loadOrCreateHostKey(cfg.HostKeyPath)
	if err != nil {
		return err
	}
	s, err := newServer(cfg, admitted, hostKey, logger)
	if err != nil {
		return err
	}
	var anchors *anchorFile
	if cfg.AnchorPath != "" {
		if anchors, err = newAnchorFile(cfg.AnchorPath, cfg.Store, logger); err != nil {
			return fmt.Errorf("cannot read the anchor file %s: %v", cfg.AnchorPath, osfile.Innermost(err))
		}
	}
	stopOps, err := startOps(ctx, cfg, s, logger)
	if err != nil {
		return err
	}
	defer stopOps()
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %v", cfg.Listen, osfile.Innermost(err))
	}
	addr := ln.Addr().String()

	addrFile := AddressFile(cfg.DBPath)
	if old, ok := ReadAddressFile(addrFile); ok {
		// This process holds the database's lock: whoever wrote the file
		// does not serve it any more.
		logger.Warn("replacing a stale address file, left by a keydesk serve that did not stop cleanly", "path", addrFile, "its pid", old.PID)
	}
	if err := writeAddressFile(addrFile, addr); err != nil {
		logger.Warn("cannot write the address file; other keydesk programs will not know where to connect", "path", addrFile, "err", osfile.Innermost(err))
	}
	defer removeAddressFile(addrFile)

	logger.Info("listening", "addr", addr)
	logger.Info("host key", "fingerprint", gossh.FingerprintSHA256(hostKey.PublicKey()), "path", cfg.HostKeyPath, "created", created)
	logger.Info("who may log in", "admins", tableKeys, "authorized_keys", fileKeys, "path", cfg.AuthorizedKeysPath)

	served := make(chan error, 1)
	go func() { served <- s.ssh.Serve(ln) }()
	go watchFile(ctx, cfg.Store, cfg.FileCheckInterval, logger)
	if cfg.DirectorySync > 0 {
		logger.Info("syncing the directory", "every", cfg.DirectorySync, "snapshot", cfg.DirectorySnapshot)
		go runDirectorySync(ctx, cfg.Store, cfg.DirectorySync, cfg.DirectorySnapshot, logger)
	}
	for _, w := range append(cfg.Store.Exposed(), store.Exposed(cfg.HostKeyPath, "the host key")) {
		if w != "" {
			logger.Warn(w)
		}
	}
	anchorsDone := make(chan struct{})
	if anchors != nil {
		logger.Info("anchoring the audit head", "path", cfg.AnchorPath, "every", cfg.AnchorInterval)
		go func() { anchors.run(ctx, cfg.AnchorInterval); close(anchorsDone) }()
	} else {
		close(anchorsDone)
	}
	if cfg.Ready != nil {
		cfg.Ready(addr)
	}

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-served:
		logger.Error("the server stopped by itself", "err", serveErr)
	}
	s.shutdown(ln)
	<-anchorsDone
	if anchors != nil {
		anchors.write() // the head after the last session's writes
	}
	logger.Info("stopped")
	if serveErr != nil {
		return fmt.Errorf("the SSH server stopped: %v", osfile.Innermost(serveErr))
	}
	return nil
}

func (cfg *Config) fillDefaults() error {
	if cfg.Store == nil || cfg.NewTUI == nil || cfg.RunCommand == nil {
		return errors.New("serve: Store, NewTUI and RunCommand must be set")
	}
	if cfg.DBPath == "" {
		cfg.DBPath = cfg.Store.Path()
	}
	dir := filepath.Dir(cfg.DBPath)
	if cfg.Listen == "" {
		cfg.Listen = DefaultListen
	}
	if cfg.HostKeyPath == "" {
		cfg.HostKeyPath = filepath.Join(dir, "keydesk_host_ed25519")
	}
	if cfg.AuthorizedKeysPath == "" {
		cfg.AuthorizedKeysPath = filepath.Join(dir, "authorized_keys")
	}
	positiveOr(&cfg.ShutdownGrace, defaultShutdownGrace)
	positiveOr(&cfg.FileCheckInterval, defaultFileCheckInterval)
	positiveOr(&cfg.AnchorInterval, defaultAnchorInterval)
	positiveOr(&cfg.LoginGraceTime, defaultLoginGraceTime)
	positiveOr(&cfg.MaxUnauthenticatedPerHost, defaultMaxUnauthenticatedPerHost)
	positiveOr(&cfg.MaxUnauthenticated, defaultMaxUnauthenticated)
	positiveOr(&cfg.MaxSessions, defaultMaxSessions)
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	cfg.fillOpsDefaults()
	return nil
}

// positiveOr sets a count or a duration left unset (zero or below) to
// its default.
func positiveOr[T ~int | ~int64](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}
