package cli

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// directoryFlags are the directory settings as flags; the bind password
// comes on stdin only (--password-stdin), as the mail password does.
type directoryFlags struct {
	url, tls, caFile, serverName, bindDN, baseDN, filter, preset, grace string
	pageSize, maxLeavers, floor                                         int
	timeout                                                             time.Duration
	password                                                            passwordFlags
	attrs                                                               model.LDAPAttributes
}

func (f *directoryFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.url, "url", "", "ldap://host[:389] (with --tls starttls) or ldaps://host[:636] (with --tls ldaps)")
	fs.StringVar(&f.tls, "tls", "", "starttls or ldaps (default: from the URL); the certificate is always checked")
	fs.StringVar(&f.caFile, "ca-file", "", "PEM file of the CA that signed the directory's certificate (default: the system's CAs)")
	fs.StringVar(&f.serverName, "server-name", "", "the name the directory's certificate must carry (default: the URL's host)")
	fs.StringVar(&f.bindDN, "bind-dn", "", "the service account to bind as (e.g. cn=keydesk,ou=services,dc=example,dc=com)")
	f.password.register(fs, "bind password")
	fs.StringVar(&f.baseDN, "base-dn", "", "where the people are (e.g. ou=people,dc=example,dc=com)")
	fs.StringVar(&f.filter, "filter", "", "which entries are people (e.g. (&(objectClass=user)(mail=*)))")
	fs.IntVar(&f.pageSize, "page-size", 0, "entries a page of the paged search (default 500)")
	fs.DurationVar(&f.timeout, "timeout", 0, "how long a sync may wait for the directory (default 2m)")
	fs.StringVar(&f.preset, "preset", "", "attribute names of ad (Active Directory) or openldap")
	fs.StringVar(&f.attrs.ExternalID, "attr-external-id", "", "attribute of the stable id (objectGUID, entryUUID, employeeNumber)")
	fs.StringVar(&f.attrs.FirstName, "attr-first-name", "", "attribute of the first name")
	fs.StringVar(&f.attrs.LastName, "attr-last-name", "", "attribute of the last name")
	fs.StringVar(&f.attrs.Email, "attr-email", "", "attribute of the e-mail")
	fs.StringVar(&f.attrs.Phone, "attr-phone", "", `attribute of the phone ("-": none)`)
	fs.StringVar(&f.attrs.Department, "attr-department", "", `attribute of the department ("-": none)`)
	fs.StringVar(&f.attrs.Position, "attr-position", "", `attribute of the position ("-": none)`)
	fs.StringVar(&f.attrs.Company, "attr-company", "", `attribute of the company ("-": none)`)
	fs.StringVar(&f.grace, "grace", "", "how long a leaver keeps their key (e.g. 3d, 36h, 0; default 3d)")
	fs.IntVar(&f.maxLeavers, "max-leavers-percent", 0, "refuse a sync making more than this share of the active employees leavers (default 10)")
	fs.IntVar(&f.floor, "floor", 0, "refuse a directory listing fewer people (default 0: no floor)")
}

// applyTo changes cur where a flag was given.
func (f *directoryFlags) applyTo(fs *pflag.FlagSet, cur model.DirectorySettings, password string) (model.DirectorySettings, bool, error) {
	next := cur
	str := func(name string, dst *string, v string) {
		if fs.Changed(name) {
			*dst = strings.TrimSpace(v)
			if *dst == "-" {
				*dst = ""
			}
		}
	}
	if fs.Changed("preset") {
		p, ok := model.LDAPPresets[strings.ToLower(f.preset)]
		if !ok {
			return next, false, errors.New("--preset is ad or openldap")
		}
		next.Attributes = p
	}
	str("url", &next.URL, f.url)
	str("ca-file", &next.CAFile, f.caFile)
	str("server-name", &next.ServerName, f.serverName)
	str("bind-dn", &next.BindDN, f.bindDN)
	str("base-dn", &next.BaseDN, f.baseDN)
	str("filter", &next.Filter, f.filter)
	str("attr-external-id", &next.Attributes.ExternalID, f.attrs.ExternalID)
	str("attr-first-name", &next.Attributes.FirstName, f.attrs.FirstName)
	str("attr-last-name", &next.Attributes.LastName, f.attrs.LastName)
	str("attr-email", &next.Attributes.Email, f.attrs.Email)
	str("attr-phone", &next.Attributes.Phone, f.attrs.Phone)
	str("attr-department", &next.Attributes.Department, f.attrs.Department)
	str("attr-position", &next.Attributes.Position, f.attrs.Position)
	str("attr-company", &next.Attributes.Company, f.attrs.Company)
	switch {
	case fs.Changed("tls"):
		mode, err := model.ParseLDAPTLS(f.tls)
		if err != nil {
			return next, false, err
		}
		next.TLS = mode
	case fs.Changed("url") && strings.HasPrefix(strings.ToLower(next.URL), "ldaps://"):
		next.TLS = model.LDAPS
	case fs.Changed("url"):
		next.TLS = model.LDAPStartTLS
	}
	if fs.Changed("page-size") {
		next.PageSize = f.pageSize
	}
	if fs.Changed("timeout") {
		next.Timeout = f.timeout
	}
	if fs.Changed("grace") {
		g, err := parseGrace(f.grace)
		if err != nil {
			return next, false, err
		}
		next.Policy.Grace = g
	}
	if fs.Changed("max-leavers-percent") {
		next.Policy.MaxLeaverPercent = f.maxLeavers
	}
	if fs.Changed("floor") {
		next.Policy.MinEntries = f.floor
	}
	keep := !f.password.applyTo(&next.Password, password)
	return next, keep, nil
}

func (a *app) directorySettingsCommand() *cobra.Command {
	flags := &directoryFlags{}
	cmd := a.command("settings [--url URL] [--bind-dn DN --password-stdin] [--base-dn DN] [--filter F] [--preset ad|openldap] [--grace 3d] ...",
		"Show or change the LDAP directory and the sync's fail-safe and grace period", argsNamed(),
		func(cmd *cobra.Command, _ []string) error {
			fs := cmd.Flags()
			given := fs.NFlag() > 0 && !(fs.NFlag() == 1 && fs.Changed("db"))
			return a.showOrSave(cmd, given, &flags.password, func(st *store.Store) error {
				set, _, err := st.DirectorySettings(a.actor())
				if err != nil && !store.IsSecretsError(err) {
					return err
				}
				return printDirectorySettings(a.env.Stdout, set)
			}, func(st *store.Store, password string) error {
				cur, rev, err := st.DirectorySettings(a.actor())
				if err != nil && !store.IsSecretsError(err) {
					return err
				}
				next, keep, err := flags.applyTo(fs, cur, password)
				if err != nil {
					return err
				}
				if err := st.SetDirectorySettings(a.actor(), next, rev, keep); err != nil {
					return err
				}
				fmt.Fprintln(a.env.Stderr, "directory settings saved")
				set, _, _ := st.DirectorySettings(a.actor())
				return printDirectorySettings(a.env.Stdout, set)
			})
		})
	cmd.Long = `Without flags, show the directory settings (never the password). With
flags, change only those given. The bind password is read from stdin, one
line (--password-stdin), and stored sealed with the database's key file:

  keydesk directory settings --url ldaps://dc1.example.com --preset ad \
    --bind-dn 'CN=keydesk,OU=Services,DC=example,DC=com' --password-stdin \
    --base-dn 'OU=Staff,DC=example,DC=com' \
    --filter '(&(objectCategory=person)(objectClass=user)(mail=*))' < password.txt`
	flags.register(cmd.Flags())
	return cmd
}

func printDirectorySettings(w io.Writer, s model.DirectorySettings) error {
	line := func(k, v string) { fmt.Fprintf(w, "%-20s %s\n", k, model.Printable(v)) }
	orDash := func(v string) string {
		if v == "" {
			return "-"
		}
		return v
	}
	password := "(not set)"
	if s.Password != "" {
		password = "(set)"
	}
	line("url", orDash(s.URL))
	line("tls", string(s.TLS))
	line("ca-file", orDash(s.CAFile))
	line("server-name", orDash(s.ServerName))
	line("bind-dn", orDash(s.BindDN))
	line("password", password)
	line("base-dn", orDash(s.BaseDN))
	line("filter", s.Filter)
	line("page-size", fmt.Sprint(s.PageSize))
	line("timeout", s.Timeout.String())
	a := s.Attributes
	line("attributes", fmt.Sprintf("external-id=%s first-name=%s last-name=%s email=%s phone=%s department=%s position=%s company=%s",
		orDash(a.ExternalID), orDash(a.FirstName), orDash(a.LastName), orDash(a.Email), orDash(a.Phone), orDash(a.Department), orDash(a.Position), orDash(a.Company)))
	line("grace", model.GraceText(s.Policy.Grace))
	line("max-leavers-percent", fmt.Sprint(s.Policy.MaxLeaverPercent))
	_, err := fmt.Fprintf(w, "%-20s %d\n", "floor", s.Policy.MinEntries)
	return err
}

func (a *app) directoryStatusCommand() *cobra.Command {
	return a.command("status", "When the directory was last synced, and the leavers' keys that wait for the grace period", argsNamed(),
		func(*cobra.Command, []string) error {
			return a.readAs(model.OpDirectoryStatus, func(st *store.Store) error {
				d, err := st.DirectoryStatus(a.actor())
				if err != nil {
					return err
				}
				w := a.env.Stdout
				if d.Last.At.IsZero() {
					fmt.Fprintln(w, "last sync: never")
				} else {
					fmt.Fprintf(w, "last sync: %s, %s: %s\n", d.Last.At.UTC().Format("2006-01-02 15:04"), model.Printable(d.Last.Source), model.Printable(d.Last.Summary))
				}
				if line := d.PendingLine(); line != "" {
					fmt.Fprintf(w, "waiting: %s\n", line)
				}
				for _, x := range append(d.Due, d.Pending...) {
					e := x.Employee
					fmt.Fprintf(w, "  %s <%s> left %s: key withdrawn %s\n", model.Printable(e.FullName()), model.Printable(e.Email),
						e.LeftAt.UTC().Format("2006-01-02"), x.Due.UTC().Format("2006-01-02 15:04"))
				}
				return nil
			})
		})
}

// parseGrace reads "3d", "36h", "0".
func parseGrace(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 0 {
			return 0, errors.New("the grace period is like 3d, 36h or 0")
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	if s == "0" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, errors.New("the grace period is like 3d, 36h or 0")
	}
	return d, nil
}
