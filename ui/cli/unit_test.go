package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// printedUnit runs keydesk ARGS and returns the unit it printed.
func printedUnit(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	status := Run(context.Background(), args, Env{Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }})
	if status != 0 {
		t.Fatalf("keydesk %s: exit %d: %s", strings.Join(args, " "), status, errOut.String())
	}
	return out.String()
}

// TestSystemdUnitIsSandboxedAndVerifies: the printed unit carries the
// sandbox, the user, the database and listen address given, a stop
// timeout past serve's own, and systemd-analyze verify finds nothing to
// say about it.
func TestSystemdUnitIsSandboxedAndVerifies(t *testing.T) {
	dir := t.TempDir()
	anchors := filepath.Join(dir, "audit anchors", "heads.txt")
	cases := []struct {
		name string
		args []string
		want []string
	}{
		{"defaults", []string{"serve", "--print-systemd-unit"}, []string{
			"User=keydesk", "Group=keydesk", " serve --db /var/lib/keydesk/keydesk.db --listen 127.0.0.1:2323",
			"CapabilityBoundingSet=\n",
		}},
		{"everything given", []string{"--db", filepath.Join(dir, "data", "k.db"), "serve", "--print-systemd-unit",
			"--unit-user", "keys", "--listen", "0.0.0.0:22", "--anchor", anchors, "--idle-timeout", "5m",
			"--backup-dir", filepath.Join(dir, "backups"), "--backup-keep", "30", "--metrics", "127.0.0.1:9273", "--log-format", "json"}, []string{
			"--backup-dir " + filepath.Join(dir, "backups"), "--backup-keep 30", "--metrics 127.0.0.1:9273", "--log-format json",
			"User=keys", " serve --db " + filepath.Join(dir, "data", "k.db") + " --listen 0.0.0.0:22",
			`--anchor "` + anchors + `"`, "--idle-timeout 5m0s",
			"ReadWritePaths=", filepath.Join(dir, "data"), "ReadWritePaths=\"" + filepath.Join(dir, "audit anchors") + "\" " + filepath.Join(dir, "backups") + " " + filepath.Join(dir, "data") + "\n",
			"CapabilityBoundingSet=CAP_NET_BIND_SERVICE", "AmbientCapabilities=CAP_NET_BIND_SERVICE",
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			unit := printedUnit(t, c.args...)
			for _, want := range append(c.want,
				"StateDirectory=keydesk\n", "ProtectSystem=strict\n", "NoNewPrivileges=yes\n", "PrivateTmp=yes\n",
				"RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX\n", "Restart=on-failure\n", "KillSignal=SIGTERM\n",
				"TimeoutStopSec=12\n", "WantedBy=multi-user.target\n") {
				if !strings.Contains(unit, want) {
					t.Errorf("the unit lacks %q:\n%s", want, unit)
				}
			}
			verifyUnit(t, unit)
		})
	}
	var errOut bytes.Buffer
	if status := Run(context.Background(), []string{"serve", "--print-systemd-unit", "--unit-user", "root"},
		Env{Stderr: &errOut}); status != 2 {
		t.Errorf("a unit running as root: exit %d, want 2 (%s)", status, errOut.String())
	}
}

// verifyUnit runs systemd-analyze verify on the unit: any word it says
// about the file (an unknown key, a bad value, a missing program) fails.
func verifyUnit(t *testing.T, unit string) {
	t.Helper()
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("systemd-analyze is missing in CI: .ci/run installs systemd")
		}
		t.Skip("systemd-analyze is not installed here")
	}
	path := filepath.Join(t.TempDir(), "keydesk.service")
	if err := os.WriteFile(path, []byte(unit), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", "--man=no", path).CombinedOutput()
	if err != nil {
		t.Fatalf("systemd-analyze verify: %v\n%s\n%s", err, out, unit)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "keydesk.service") {
			t.Errorf("systemd-analyze verify: %s", line)
		}
	}
}
