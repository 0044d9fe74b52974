package cli

import (
	"fmt"
	"maps"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/keydesk/keydesk/ui/serve"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// The unit's defaults: a system service keeps its database in its own
// state directory, which systemd creates, owned by the service's user.
const (
	unitStateDir = "/var/lib/keydesk"
	unitUser     = "keydesk"
)

// unitOptions are serve's flags that only print the unit.
type unitOptions struct {
	print bool
	user  string
}

func addUnitFlags(cmd *cobra.Command, u *unitOptions) {
	cmd.Flags().BoolVar(&u.print, "print-systemd-unit", false, "print a systemd unit that runs this serve command as a sandboxed service, and exit")
	cmd.Flags().StringVar(&u.user, "unit-user", unitUser, "the system user the printed unit runs serve as")
}

// printUnit writes the systemd unit for the serve command line cmd was
// given, with the database, listen address and user filled in.
func (a *app) printUnit(cmd *cobra.Command, u unitOptions, opts ServeOptions) error {
	if a.env.Store != nil {
		return fmt.Errorf("here --print-systemd-unit cannot name this server's files: run it on the server")
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("cannot tell where this keydesk is installed: %v", err)
	}
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		exe = real
	}
	db := a.db
	if db == "" {
		db = a.env.Getenv("KEYDESK_DB")
	}
	if db == "" {
		db = filepath.Join(unitStateDir, "keydesk.db")
	}
	if db, err = filepath.Abs(db); err != nil {
		return err
	}
	if u.user == "" || strings.ContainsAny(u.user, " \t\n\"'\\%$") || u.user == "root" {
		return usagef(cmd, "--unit-user must name a user of its own, not %q", u.user)
	}
	text, err := systemdUnit(exe, db, u.user, opts.Listen, cmd.Flags())
	if err != nil {
		return err
	}
	_, err = fmt.Fprint(a.env.Stdout, text)
	return err
}

// systemdUnit is the unit text. Paths outside the state directory that
// serve writes (a database elsewhere, backups, the anchor file) are made
// writable one by one: the rest of the system is read-only to it.
func systemdUnit(exe, db, user, listen string, flags *pflag.FlagSet) (string, error) {
	args := []string{exe, "serve", "--db", db, "--listen", listen}
	writable := map[string]bool{filepath.Dir(db): true}
	var err error
	flags.Visit(func(f *pflag.Flag) {
		switch f.Name {
		case "print-systemd-unit", "unit-user", "listen", "db":
			return
		}
		value := f.Value.String()
		if isPathFlag(f.Name) && value != "" {
			abs, aerr := filepath.Abs(value)
			if aerr != nil {
				err = aerr
				return
			}
			value = abs
			dir := abs
			if f.Name != "backup-dir" {
				dir = filepath.Dir(abs)
			}
			writable[dir] = true
		}
		args = append(args, "--"+f.Name, value)
	})
	if err != nil {
		return "", err
	}
	var exec []string
	for _, arg := range args {
		exec = append(exec, unitQuote(strings.ReplaceAll(arg, "$", "$$")))
	}
	var rw []string
	for _, dir := range slices.Sorted(maps.Keys(writable)) {
		if dir != unitStateDir && !strings.HasPrefix(dir, unitStateDir+"/") {
			rw = append(rw, unitQuote(dir))
		}
	}
	caps := ""
	if _, port, perr := net.SplitHostPort(listen); perr == nil {
		if n, _ := strconv.Atoi(port); n > 0 && n < 1024 {
			caps = "CAP_NET_BIND_SERVICE"
		}
	}
	stop := serve.StopTimeout() + 5*time.Second

	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	w("# keydesk serve as a system service. Install it with:")
	w("#   useradd --system --user-group --home-dir %s --shell /usr/sbin/nologin %s", unitStateDir, user)
	w("#   keydesk serve --print-systemd-unit ... > /etc/systemd/system/keydesk.service")
	w("#   systemctl daemon-reload && systemctl enable --now keydesk")
	w("[Unit]")
	w("Description=keydesk: hardware security keys over SSH")
	w("Documentation=man:keydesk-serve(1)")
	w("After=network-online.target")
	w("Wants=network-online.target")
	w("")
	w("[Service]")
	w("Type=simple")
	w("User=%s", user)
	w("Group=%s", user)
	w("ExecStart=%s", strings.Join(exec, " "))
	w("# The database, its key file, the host key and authorized_keys live here, mode 0700.")
	w("StateDirectory=keydesk")
	w("StateDirectoryMode=0700")
	w("UMask=0077")
	w("Restart=on-failure")
	w("RestartSec=5s")
	w("# serve ends its sessions within %s of SIGTERM (grace and farewell); never kill it mid-commit.", serve.StopTimeout())
	w("KillSignal=SIGTERM")
	w("KillMode=mixed")
	w("TimeoutStopSec=%d", int(stop.Seconds()))
	w("NoNewPrivileges=yes")
	w("ProtectSystem=strict")
	if len(rw) > 0 {
		w("ReadWritePaths=%s", strings.Join(rw, " "))
	}
	w("ProtectHome=yes")
	w("PrivateTmp=yes")
	w("PrivateDevices=yes")
	w("ProtectKernelTunables=yes")
	w("ProtectKernelModules=yes")
	w("ProtectKernelLogs=yes")
	w("ProtectControlGroups=yes")
	w("ProtectClock=yes")
	w("ProtectHostname=yes")
	w("ProtectProc=invisible")
	w("RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX")
	w("RestrictNamespaces=yes")
	w("RestrictRealtime=yes")
	w("RestrictSUIDSGID=yes")
	w("LockPersonality=yes")
	w("MemoryDenyWriteExecute=yes")
	w("SystemCallArchitectures=native")
	w("CapabilityBoundingSet=%s", caps)
	w("AmbientCapabilities=%s", caps)
	w("")
	w("[Install]")
	w("WantedBy=multi-user.target")
	return b.String(), nil
}

// isPathFlag says which of serve's flags name a file or folder serve
// writes or reads.
func isPathFlag(name string) bool {
	switch name {
	case "host-key", "authorized-keys", "anchor", "backup-dir":
		return true
	}
	return false
}

// unitQuote writes one word of a list as systemd reads it: in double
// quotes when it holds a space or a quote, with % (a specifier) doubled.
// (In ExecStart, $ starts a variable too: the caller doubles it there.)
func unitQuote(s string) string {
	s = strings.ReplaceAll(s, "%", "%%")
	if s != "" && !strings.ContainsAny(s, " \t\"'\\;") {
		return s
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(s) + `"`
}
