package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/serve"
)

// dbPath is the database file a command works on: --db, else $KEYDESK_DB,
// else the XDG data directory. The default directory is created (0700) so
// that the first run works without preparation; a path the admin gave is
// used as given.
func (a *app) dbPath() (string, error) {
	if a.db != "" {
		return a.db, nil
	}
	if p := a.env.Getenv("KEYDESK_DB"); p != "" {
		return p, nil
	}
	dataHome := a.env.Getenv("XDG_DATA_HOME")
	if dataHome == "" {
		home := a.env.Getenv("HOME")
		if home == "" {
			return "", errors.New("no database given and no home directory: use --db PATH or set KEYDESK_DB")
		}
		dataHome = filepath.Join(home, ".local", "share")
	}
	dir := filepath.Join(dataHome, "keydesk")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("cannot create the directory for the database: %w", err)
	}
	return filepath.Join(dir, "keydesk.db"), nil
}

// How a command needs its database.
type openMode int

const (
	mayCreate openMode = iota // the command can start from an empty database
	mustExist                 // working on a missing file would only create an empty one by mistake
	readOnly                  // the command only reads: the file is opened read-only, never changed
)

// withStore runs fn on the database: the one `keydesk serve` shares, or
// the file of --db, opened for this command and closed after it. A
// database this command created is removed again when the command fails:
// a refused first command leaves nothing behind, key file included.
func (a *app) withStore(mode openMode, fn func(st *store.Store) error) error {
	if a.env.Store != nil {
		if a.db != "" {
			return errors.New("--db cannot be used here: commands work on the database keydesk serve has open")
		}
		return fn(a.env.Store)
	}
	path, err := a.dbPath()
	if err != nil {
		return err
	}
	_, statErr := os.Stat(path)
	isNew := errors.Is(statErr, fs.ErrNotExist)
	if mode == readOnly && !a.actor().Local() {
		// An admin over SSH may be refused, and a refusal is an audit
		// entry: only this machine's own user, an admin, reads read-only.
		mode = mustExist
	}
	st, err := a.openStore(mode)
	if err != nil {
		return err
	}
	if a.roleFirst != 0 {
		err = st.Check(a.actor(), a.roleFirst)
	}
	if err == nil {
		err = fn(st)
	}
	if err != nil && isNew {
		return errors.Join(err, st.RemoveNew())
	}
	st.Close()
	return err
}

// readAs runs a command that only reads, once the store has checked
// that the actor's role allows op (writes are checked by the store
// itself, inside their transaction).
//
// The file is opened read-only, so that checking an evidence copy never
// changes it, and it works on a read-only filesystem.
func (a *app) readAs(op model.Operation, fn func(st *store.Store) error) error {
	return a.withStore(readOnly, func(st *store.Store) error {
		if err := st.Check(a.actor(), op); err != nil {
			return err
		}
		return fn(st)
	})
}

func (a *app) openStore(mode openMode) (*store.Store, error) {
	path, err := a.dbPath()
	if err != nil {
		return nil, err
	}
	if mode != mayCreate {
		// An empty file is no database either: bbolt would quietly make one.
		if info, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) || err == nil && info.Size() == 0 {
			return nil, fmt.Errorf("there is no database at %s: give --db PATH or set KEYDESK_DB (keydesk demo or keydesk import keys creates one)", path)
		}
	}
	st, err := store.Open(path, store.Options{ReadOnly: mode == readOnly, Now: testClock})
	var inUse *store.InUseError
	if errors.As(err, &inUse) {
		return nil, inUseError(path)
	}
	if err != nil {
		return nil, err
	}
	a.dropStaleAddressFile(st)
	for _, w := range st.Exposed() {
		fmt.Fprintf(a.env.Stderr, "keydesk: warning: %s\n", w)
	}
	if up := st.Upgraded(); up != nil {
		fmt.Fprintf(a.env.Stderr, "keydesk: upgraded the database from schema %d to %d; the file as it was is kept as %s\n",
			up.From, up.To, up.KeptAs)
	}
	return st, nil
}

// inUseError says who holds the database and how to work anyway: through
// `keydesk serve` when it is the one (it leaves its address in
// <db>.serve), else by closing the other program.
func inUseError(path string) error {
	file := serve.AddressFile(path)
	info, ok := serve.ReadAddressFile(file)
	if ok && info.Running() {
		if host, port, ok := connectAddress(info.Addr); ok {
			return fmt.Errorf("keydesk serve is running on this database: connect with ssh -p %s %s (e.g. ssh -p %s %s key code SERIAL)",
				port, host, port, host)
		}
	}
	msg := fmt.Sprintf("the database %s is in use by another keydesk program: close it, or run `keydesk serve` and connect over SSH", path)
	if ok {
		msg += fmt.Sprintf(" (%s is stale: the keydesk serve that wrote it, pid %d, no longer runs)", file, info.PID)
	}
	return errors.New(msg)
}

// connectAddress is the listen address keydesk serve wrote, as a host an
// admin can connect to.
func connectAddress(addr string) (host, port string, ok bool) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return "", "", false
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost" // listening on every address: this machine is one of them
	}
	return host, port, true
}

// dropStaleAddressFile removes the address file of a serve that is gone:
// the database's lock was free, so no serve holds it. (A read-only open
// changes nothing, this file included.)
func (a *app) dropStaleAddressFile(st *store.Store) {
	file := serve.AddressFile(st.Path())
	info, ok := serve.ReadAddressFile(file)
	if !ok || st.ReadOnly() {
		return
	}
	if os.Remove(file) == nil {
		fmt.Fprintf(a.env.Stderr, "keydesk: removed %s, left by a keydesk serve (pid %d) that did not stop cleanly\n", file, info.PID)
	}
}
