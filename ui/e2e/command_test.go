package e2e

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// commandDeadline is how long one command may run: every command here is
// quick, so reaching it means the program hangs.
const commandDeadline = 20 * time.Second

// result is what a finished command left.
type result struct {
	line           string // the command line, for messages
	stdout, stderr string
	code           int
}

// run runs a program to its end with empty stdin.
func run(t *testing.T, deadline time.Duration, name string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = testEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{line: name + " " + strings.Join(args, " "), stdout: stdout.String(), stderr: stderr.String()}
	if ctx.Err() != nil {
		t.Fatalf("%s did not finish within %s\nstdout: %s\nstderr: %s", r.line, deadline, r.stdout, r.stderr)
	}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("cannot run %s: %v", r.line, err)
	}
	return r
}

// keydesk runs the binary under test.
func keydesk(t *testing.T, args ...string) result {
	t.Helper()
	return run(t, commandDeadline, keydeskBin, args...)
}

// mustSucceed fails the test unless the command exited 0, and returns its
// output.
func mustSucceed(t *testing.T, r result) string {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("%s exited %d, want 0\nstdout: %s\nstderr: %s", r.line, r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

// testEnv is the environment of every program started here: the tests'
// own, without what would point keydesk at another database.
func testEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "KEYDESK_DB=") || strings.HasPrefix(kv, "XDG_DATA_HOME=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "NO_COLOR=1")
}

// shellQuote quotes s for the sh -c that tmux runs a window's command
// with.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func shellLine(words ...string) string {
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = shellQuote(w)
	}
	return strings.Join(quoted, " ")
}
