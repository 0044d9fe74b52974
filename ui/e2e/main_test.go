// Package e2e drives the real keydesk binary as a person would: the
// terminal UI through tmux, the SSH server through OpenSSH's client, and
// the command line between them. The tests need tmux, ssh and ssh-keygen;
// CI installs them (.ci/run).
package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// keydeskBin is the binary under test, built once by TestMain.
var keydeskBin string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "keydesk-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	keydeskBin = filepath.Join(dir, "keydesk")
	if err := buildKeydesk(keydeskBin); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	return m.Run()
}

// buildKeydesk builds the program with the go command that runs the
// tests: go test puts its own GOROOT/bin first on PATH.
func buildKeydesk(out string) error {
	goTool, err := exec.LookPath("go")
	if err != nil {
		return fmt.Errorf("cannot build keydesk: no go command on PATH: %v", err)
	}
	cmd := exec.Command(goTool, "build", "-o", out,
		"-tags", "keydesk_testclock", // KEYDESK_TEST_CLOCK_FILE moves the store's clock (ui/cli/testclock_on.go)
		"-ldflags", "-X github.com/keydesk/keydesk/ui/cli.version=e2e",
		"github.com/keydesk/keydesk")
	if output, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building keydesk failed: %v\n%s", err, output)
	}
	return nil
}
