package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// The settings commands (settings smtp, directory settings) show the
// settings without flags and change those given with them. A password
// never comes as a flag value, which shell history and ps would keep: it
// is read from stdin, before the database is opened, so that nobody waits
// on the database while it is typed.

// passwordFlags are --password-stdin and --clear-password.
type passwordFlags struct {
	stdin, clear bool
	none         string // follows the usage error for an empty stdin
}

func (p *passwordFlags) register(fs *pflag.FlagSet, what string) {
	fs.BoolVar(&p.stdin, "password-stdin", false, "read the "+what+" from stdin (one line)")
	fs.BoolVar(&p.clear, "clear-password", false, "remove the saved "+what)
}

// applyTo puts the password read (--password-stdin) or none
// (--clear-password) into saved; false when neither flag was given.
func (p *passwordFlags) applyTo(saved *string, password string) bool {
	switch {
	case p.stdin:
		*saved = password
	case p.clear:
		*saved = ""
	default:
		return false
	}
	return true
}

// showOrSave runs a settings command: when no setting is given, show
// reads them for whoever may see settings; else the new password, if
// any, is read, then save changes the settings with it.
func (a *app) showOrSave(cmd *cobra.Command, given bool, p *passwordFlags,
	show func(st *store.Store) error, save func(st *store.Store, password string) error) error {
	if !given {
		return a.readAs(model.OpSettingsShow, show)
	}
	password, err := a.newPassword(cmd, p)
	if err != nil {
		return err
	}
	return a.withStore(mayCreate, func(st *store.Store) error { return save(st, password) })
}

// newPassword is the password --password-stdin gives ("" without it).
func (a *app) newPassword(cmd *cobra.Command, p *passwordFlags) (string, error) {
	if p.stdin && p.clear {
		return "", usagef(cmd, "--password-stdin and --clear-password go one at a time")
	}
	if !p.stdin {
		return "", nil
	}
	password, err := a.readPassword()
	if err != nil {
		return "", err
	}
	if password == "" {
		return "", usagef(cmd, "--password-stdin found no password on stdin%s", p.none)
	}
	return password, nil
}

// readPassword reads one line from stdin, without echo when stdin is this
// program's terminal.
func (a *app) readPassword() (string, error) {
	if f, ok := a.env.Stdin.(*os.File); ok && term.IsTerminal(f.Fd()) {
		fmt.Fprint(a.env.Stderr, "mail server password: ")
		line, err := term.ReadPassword(f.Fd())
		fmt.Fprintln(a.env.Stderr)
		return string(line), err
	}
	if isTerminal(a.env.Stdin) {
		// ssh -t: the session's terminal would echo the password as typed.
		return "", errors.New("here the password would show as you type it: send it without a terminal (ssh ... settings smtp --password-stdin < password.txt)")
	}
	line, err := bufio.NewReader(a.env.Stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("cannot read the password from stdin: %v", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}
