// Package cli is keydesk's command line: the operations of the screens as
// commands, for scripts, for tests and for admins who prefer a shell.
package cli

import (
	"context"
	"crypto/x509"
	"io"
	"os"
	"os/user"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/spf13/cobra"
)

// version is set by the Makefile with -ldflags -X.
var version = "dev"

// Env is everything a command reaches outside itself, so that the same
// commands run from a shell, inside `keydesk serve` and in tests.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// Actor is who acts (inside keydesk serve, the admin of the SSH
	// session); the zero value means the local OS user, an admin.
	Actor model.Actor
	// Store, when set (inside `keydesk serve`), is the database every
	// command uses; --db is then refused, and so are serve and the
	// terminal UI.
	Store *store.Store
	// OpenTUI runs the terminal UI on an open store; nil means there is
	// none in this program.
	OpenTUI func(ctx context.Context, st *store.Store, actor model.Actor) error
	// Serve runs `keydesk serve`; nil means this build cannot serve.
	Serve func(ctx context.Context, st *store.Store, opts ServeOptions) error
	// AuthorizedKeysPath is serve's authorized_keys file, to list its keys
	// beside the admins table; "" means the default one beside the database.
	AuthorizedKeysPath string
	// MailRootCAs verifies the mail server's certificate; nil means the
	// system's roots. Tests pass their own server's.
	MailRootCAs *x509.CertPool
	// MailTimeout caps one e-mail send; 0 means the mailer's 10 seconds.
	// Tests shorten it.
	MailTimeout time.Duration
}

// ServeOptions are the flags of `keydesk serve`, defaults filled in.
type ServeOptions struct {
	Listen, HostKeyPath, AuthorizedKeysPath string
	IdleTimeout                             time.Duration
	DBPath                                  string
	AnchorPath                              string
	DirectorySync                           time.Duration // 0: no scheduled sync
	DirectorySnapshot                       string        // "": the scheduled sync and the preview read LDAP
	Ops                                     OpsOptions    // backups, metrics, log format (opsflags.go)
}

// Run runs one command line and returns its exit status: 0 done, 1
// refused or failed (the reason on stderr), 2 usage error.
func Run(ctx context.Context, args []string, env Env) int {
	a := newApp(ctx, env)
	if args == nil {
		args = []string{} // cobra would read os.Args instead
	}
	root := a.rootCommand(args)
	root.SetArgs(args)
	root.SetIn(a.env.Stdin)
	root.SetOut(a.env.Stdout)
	root.SetErr(a.env.Stderr)
	cmd, err := root.ExecuteC()
	return a.report(cmd, err)
}

// app is one run of the command line.
type app struct {
	ctx context.Context
	env Env
	db  string // --db as given
	// started is set when a command's own code begins; an error before
	// that came from cobra checking the command line, a usage error.
	started bool
	// roleFirst is the operation whose role check withStore runs before
	// the command's code (rolefirst.go); 0 for none.
	roleFirst model.Operation
}

func newApp(ctx context.Context, env Env) *app {
	if env.Stdin == nil {
		env.Stdin = strings.NewReader("")
	}
	if env.Stdout == nil {
		env.Stdout = io.Discard
	}
	if env.Stderr == nil {
		env.Stderr = io.Discard
	}
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	return &app{ctx: ctx, env: env}
}

// action wraps a command's code so that Run can tell its errors from
// cobra's.
func (a *app) action(fn func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		a.started = true
		if err := a.checkRoleFirst(cmd); err != nil {
			return err
		}
		return fn(cmd, args)
	}
}

// actor is who acts: the store checks their role and names them in the
// audit trail.
func (a *app) actor() model.Actor {
	if a.env.Actor != (model.Actor{}) {
		return a.env.Actor
	}
	name := ""
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	return model.LocalAdmin(name)
}

// rootCommand is the command tree for args. A run needs one top-level
// command, and building cobra's whole tree (every flag of every command)
// was a fifth of the cost of a command over SSH: when args name a
// top-level command, only that one is built. Anything else (help, no
// command, a mistyped one) gets them all, for the list or the suggestion.
func (a *app) rootCommand(args []string) *cobra.Command {
	root := &cobra.Command{
		Use:   "keydesk",
		Short: "Manage hardware security keys and the employees who hold them",
		Long: `keydesk manages IPI Keys (hardware vaults) and the employees who hold them.

Run without a command, it opens the terminal UI. The commands below do the
same operations for scripts. Exit status: 0 done, 1 refused or failed
(the reason on stderr), 2 usage error.`,
		Args:          unknownCommand,
		RunE:          a.action(a.runTUI),
		SilenceErrors: true,
		SilenceUsage:  true,
		// cobra's default, which SuggestionsFor does not apply by itself
		SuggestionsMinimumDistance: 2,
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetFlagErrorFunc(flagError)
	root.SetHelpCommand(a.helpCommand())
	root.PersistentFlags().StringVar(&a.db, "db", "",
		"database file (default $KEYDESK_DB, else $XDG_DATA_HOME/keydesk/keydesk.db, else ~/.local/share/keydesk/keydesk.db)")
	builds, word := a.topLevel(), commandWord(args)
	if i := slices.IndexFunc(topLevelNames(), func(names []string) bool { return slices.Contains(names, word) }); i >= 0 {
		root.AddCommand(builds[i]())
		return root
	}
	for _, build := range builds {
		root.AddCommand(build())
	}
	return root
}

// topLevel builds each top-level command, in the order help lists them:
// the command tree, with the subcommands of each group in their order.
func (a *app) topLevel() []func() *cobra.Command {
	return []func() *cobra.Command{
		a.demoCommand,
		a.group("import", "Import keys or employees from a CSV file",
			a.importKeysCommand, a.importEmployeesCommand),
		a.exportCommand,
		a.group("employee", "Add, edit or delete an employee",
			a.employeeAddCommand, a.employeeEditCommand, a.employeeDeleteCommand,
			a.employeeLeaveCommand, a.employeeReturnCommand),
		a.group("directory", "Keep the employees in step with a directory (a snapshot file, or LDAP / Active Directory)",
			a.directorySyncCommand, a.directorySettingsCommand, a.directoryStatusCommand),
		a.group("key", "Act on a key: assign, show or renew its code, suspend, unlock, report lost, remove, mark compromised or wiped; its profile, licence, RFID",
			a.assignCommand, a.keyCodeCommand, a.reissueCommand, a.suspendCommand, a.unlockCommand,
			a.reportLostCommand, a.removeCommand, a.compromiseCommand, a.wipedCommand,
			a.keyProfileCommand, a.keyLicenceCommand, a.keyRFIDCommand),
		a.group("device", "Report what a key's client software reports (a code typed, the PIN locked, a profile applied)",
			a.deviceActivateCommand, a.devicePinLockedCommand, a.profileAppliedCommand),
		a.group("audit", "Check the audit trail, print its head, or follow it (export it with keydesk export audit)",
			a.auditVerifyCommand, a.auditHeadCommand, a.auditFollowCommand),
		a.group("settings", "Settings shared by everyone who uses this database (locally or over SSH)",
			a.smtpCommand),
		a.group("admin", "Manage who may connect over SSH, and their roles (admin, helpdesk, auditor)",
			a.adminAddCommand, a.adminListCommand, a.adminRoleCommand, a.adminRemoveCommand),
		a.group("profile", "List, show, add, edit or delete the access profiles (PIN policies) keys carry",
			a.profileListCommand, a.profileShowCommand, a.profileAddCommand, a.profileEditCommand, a.profileDeleteCommand),
		a.backupCommand,
		a.restoreCommand,
		a.serveCommand,
		a.group("cluster", "Run keydesk on several machines: init, join, status, and the operator's tools",
			a.clusterInitCommand, a.clusterTokenCommand, a.clusterJoinCommand, a.clusterStatusCommand,
			a.clusterRemoveCommand, a.clusterTransferCommand, a.clusterRecoverCommand, a.clusterDetachCommand),
		a.completionCommand,
		a.manCommand,
		a.versionCommand,
	}
}

// topLevelNames are the names and aliases of each of topLevel's commands,
// learnt once from the commands themselves.
var topLevelNames = sync.OnceValue(func() [][]string {
	var all [][]string
	for _, build := range newApp(context.Background(), Env{}).topLevel() {
		cmd := build()
		all = append(all, append([]string{cmd.Name()}, cmd.Aliases...))
	}
	return all
})

// commandWord is the first word of args that is not --db or its value,
// or "" when a flag comes first that only the whole tree can tell about.
func commandWord(args []string) string {
	for i := 0; i < len(args); i++ {
		switch arg := args[i]; {
		case arg == "--db":
			i++
		case strings.HasPrefix(arg, "--db="):
		case strings.HasPrefix(arg, "-"):
			return ""
		default:
			return arg
		}
	}
	return ""
}

// group builds a command that only holds subcommands: run alone or with
// an unknown word, it is a usage error that lists what it holds.
func (a *app) group(use, short string, subs ...func() *cobra.Command) func() *cobra.Command {
	return func() *cobra.Command {
		cmd := &cobra.Command{
			Use:   use,
			Short: short,
			Args:  unknownCommand,
			RunE: func(cmd *cobra.Command, _ []string) error {
				var names []string
				for _, c := range cmd.Commands() {
					if c.IsAvailableCommand() {
						names = append(names, c.Name())
					}
				}
				return usagef(cmd, "%s needs a command: %s", commandName(cmd), strings.Join(names, ", "))
			},
			SuggestionsMinimumDistance: 2,
		}
		for _, sub := range subs {
			cmd.AddCommand(sub())
		}
		return cmd
	}
}

// helpCommand is cobra's help, except that an unknown topic is a usage
// error (cobra prints the main help and exits 0).
func (a *app) helpCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "help [COMMAND]",
		Short: "Help about any command",
		RunE: func(cmd *cobra.Command, args []string) error {
			target, rest, err := cmd.Root().Find(args)
			if err != nil || len(rest) > 0 {
				return usagef(cmd.Root(), "no command %q", strings.Join(args, " "))
			}
			return target.Help()
		},
	}
}
