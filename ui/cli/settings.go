package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// smtpFlags are the mail server settings as flags. The password never
// comes as a flag value, which shell history and ps would keep.
type smtpFlags struct {
	host, from, user string
	port             int
	tls              *choice
	password         passwordFlags
}

var smtpFlagNames = []string{"host", "port", "tls", "from", "user", "password-stdin", "clear-password"}

func (f *smtpFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.host, "host", "", "mail server host name or IP address")
	fs.IntVar(&f.port, "port", 0, "mail server port (default: 587 for starttls, 465 for tls, 25 for none)")
	fs.Var(f.tls, "tls", "starttls (default), tls (from the first byte) or none (trusted relay only)")
	fs.StringVar(&f.from, "from", "", `sender address, e.g. "IT desk <keydesk@example.com>"`)
	fs.StringVar(&f.user, "user", "", `user name to log in with; "" sends without logging in`)
	f.password.register(fs, "password")
}

func (f *smtpFlags) anyGiven(fs *pflag.FlagSet) bool {
	for _, name := range smtpFlagNames {
		if fs.Changed(name) {
			return true
		}
	}
	return false
}

// applyTo changes cur only where a flag was given. The port follows a new
// TLS mode unless it was set by hand to something else than the usual one.
func (f *smtpFlags) applyTo(fs *pflag.FlagSet, cur model.SMTPSettings, password string) model.SMTPSettings {
	next := cur
	if fs.Changed("host") {
		next.Host = strings.TrimSpace(f.host)
	}
	if fs.Changed("from") {
		next.From = strings.TrimSpace(f.from)
	}
	if fs.Changed("user") {
		next.User = strings.TrimSpace(f.user)
	}
	if fs.Changed("tls") {
		next.TLS = model.TLSMode(f.tls.value)
	}
	if next.TLS == "" {
		next.TLS = model.TLSStartTLS
	}
	switch {
	case fs.Changed("port"):
		next.Port = f.port
	case cur.Port == 0 || cur.Port == cur.TLS.DefaultPort():
		next.Port = next.TLS.DefaultPort()
	}
	f.password.applyTo(&next.Password, password)
	if next.User == "" {
		next.Password = "" // never used without a user name
	}
	return next
}

func (a *app) smtpCommand() *cobra.Command {
	flags := &smtpFlags{tls: newChoice("", "starttls", "tls", "none"),
		password: passwordFlags{none: " (to remove the password, use --clear-password)"}}
	cmd := a.command("smtp [--host H] [--port N] [--tls starttls|tls|none] [--from ADDRESS] [--user U] [--password-stdin | --clear-password]",
		"Show or change the mail server that e-mails activation codes", unknownCommand,
		func(cmd *cobra.Command, _ []string) error {
			fs := cmd.Flags()
			return a.showOrSave(cmd, flags.anyGiven(fs), &flags.password, func(st *store.Store) error {
				settings, _, err := st.SMTPSettings()
				if store.IsSecretsError(err) {
					// Everything but the password reads: show it, and why.
					fmt.Fprintf(a.env.Stderr, "keydesk: warning: %s\n", model.Printable(err.Error()))
					settings.Password = passwordUnreadable
				} else if err != nil {
					return err
				}
				return printSMTPSettings(a.env.Stdout, settings)
			}, func(st *store.Store, password string) error {
				// The revision read here goes with the save: a change made by
				// someone else in between is refused, not silently undone.
				cur, rev, err := st.SMTPSettings()
				if err != nil {
					return err
				}
				next := flags.applyTo(fs, cur, password)
				if !next.Configured() {
					return errors.New("a mail server needs at least --host HOST and --from ADDRESS")
				}
				if flags.password.stdin && next.User == "" {
					return errors.New("a password goes with a user name: add --user NAME")
				}
				if err := st.SetSMTPSettings(a.actor(), next, rev); err != nil {
					return err
				}
				fmt.Fprintln(a.env.Stderr, "mail server settings saved")
				return printSMTPSettings(a.env.Stdout, next)
			})
		})
	cmd.Long = `Without flags, show the mail server settings (never the password). With
flags, change only the settings given and keep the others. The first time,
--host and --from are needed; --tls defaults to starttls and --port to the
usual port of the TLS mode.

The password is read from stdin, one line (--password-stdin), never from
the command line, and is never shown, exported or logged:

  keydesk settings smtp --user keydesk --password-stdin < password.txt

Then check the settings with keydesk settings smtp test --to ADDRESS.`
	cmd.SuggestionsMinimumDistance = 2 // as in group: test is a subcommand
	flags.register(cmd.Flags())
	cmd.AddCommand(a.smtpTestCommand())
	return cmd
}

// passwordUnreadable stands in for a saved password that cannot be read
// here (no key file), for printSMTPSettings.
const passwordUnreadable = "\x00unreadable"

// printSMTPSettings shows the settings as the flags that set them; the
// password only as set or not.
func printSMTPSettings(w io.Writer, s model.SMTPSettings) error {
	if !s.Configured() {
		_, err := fmt.Fprintln(w, errNoMailServer.Error())
		return err
	}
	user, password := model.Printable(s.User), "(not set)"
	if s.User == "" {
		user = "(none: sends without logging in)"
	}
	switch s.Password {
	case "":
	case passwordUnreadable:
		password = "(set, but it cannot be read without the key file)"
	default:
		password = "(set)"
	}
	_, err := fmt.Fprintf(w, "host      %s\nport      %d\ntls       %s\nfrom      %s\nuser      %s\npassword  %s\n",
		model.Printable(s.Host), s.Port, s.TLS, model.Printable(s.From), user, password)
	return err
}

func (a *app) smtpTestCommand() *cobra.Command {
	var to string
	cmd := a.command("test --to ADDRESS", "Send a test message (no activation code) with the saved mail server settings", argsNamed(),
		func(cmd *cobra.Command, _ []string) error {
			if !cmd.Flags().Changed("to") {
				return usagef(cmd, "settings smtp test needs --to ADDRESS")
			}
			if !validAddress(to) {
				return usagef(cmd, "--to needs an e-mail address, not %q", to)
			}
			return a.do(readOnly, func(st *store.Store) (string, error) {
				err := st.SendTestMail(a.ctx, a.actor(), to, a.mailOptions())
				if errors.Is(err, store.ErrNoMailServer) {
					return "", errNoMailServer
				}
				return "test message sent to " + model.Printable(to), err
			})
		})
	cmd.Flags().StringVar(&to, "to", "", "the address to send the test message to")
	return cmd
}
