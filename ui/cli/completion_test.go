package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keydesk/keydesk/store"

	"github.com/spf13/cobra"
)

// commandPaths is every command of the whole tree, as the words typed.
func commandPaths(t *testing.T) [][]string {
	t.Helper()
	var paths [][]string
	var walk func(cmd *cobra.Command, path []string)
	walk = func(cmd *cobra.Command, path []string) {
		for _, sub := range cmd.Commands() {
			if !sub.IsAvailableCommand() {
				continue
			}
			p := append(append([]string{}, path...), sub.Name())
			paths = append(paths, p)
			walk(sub, p)
		}
	}
	walk(newApp(context.Background(), Env{}).rootCommand(nil), nil)
	if len(paths) < 40 {
		t.Fatalf("the tree has only %d commands", len(paths))
	}
	return paths
}

func runArgs(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	status := Run(context.Background(), args, Env{Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }})
	return out.String(), errOut.String(), status
}

// TestCompletionScriptsNameEveryCommand: each shell's script is
// generated, hands the words to keydesk's own completion, and that
// completion offers every command of the tree under its parent.
func TestCompletionScriptsNameEveryCommand(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		out, stderr, status := runArgs(t, "completion", shell)
		if status != 0 || len(out) < 1000 {
			t.Fatalf("completion %s: exit %d, %d bytes, stderr %q", shell, status, len(out), stderr)
		}
		if !strings.Contains(out, "__complete") || !strings.Contains(out, "keydesk") {
			t.Errorf("the %s script does not ask keydesk for its words", shell)
		}
	}
	for _, path := range commandPaths(t) {
		args := append([]string{"__complete"}, path[:len(path)-1]...)
		args = append(args, "")
		out, _, status := runArgs(t, args...)
		if status != 0 {
			t.Fatalf("keydesk %s: exit %d", strings.Join(args, " "), status)
		}
		offered := map[string]bool{}
		for _, line := range strings.Split(out, "\n") {
			offered[strings.SplitN(line, "\t", 2)[0]] = true
		}
		if !offered[path[len(path)-1]] {
			t.Errorf("completing after %q does not offer %q:\n%s", strings.Join(path[:len(path)-1], " "), path[len(path)-1], out)
		}
	}
	if _, _, status := runArgs(t, "completion", "tcsh"); status != 2 {
		t.Errorf("completion tcsh: exit %d, want 2", status)
	}
}

// TestManWritesAPagePerCommand: keydesk man DIR writes one page per
// command, and the main page lists every top-level command.
func TestManWritesAPagePerCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "man1")
	if _, stderr, status := runArgs(t, "man", dir); status != 0 {
		t.Fatalf("man: exit %d: %s", status, stderr)
	}
	main, err := os.ReadFile(filepath.Join(dir, "keydesk.1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range commandPaths(t) {
		page := filepath.Join(dir, "keydesk-"+strings.Join(path, "-")+".1")
		text, err := os.ReadFile(page)
		if err != nil {
			t.Errorf("no page for keydesk %s: %v", strings.Join(path, " "), err)
			continue
		}
		if !bytes.Contains(text, []byte(".TH \"KEYDESK\" \"1\"")) || !bytes.Contains(text, []byte(strings.Join(path, " "))) {
			t.Errorf("%s does not look like the man page of keydesk %s", page, strings.Join(path, " "))
		}
		if len(path) == 1 && !bytes.Contains(main, []byte("keydesk-"+path[0]+"(1)")) {
			t.Errorf("keydesk.1 does not name keydesk-%s(1)", path[0])
		}
	}
	st, err := store.Open(filepath.Join(t.TempDir(), "k.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var errOut bytes.Buffer
	over := filepath.Join(t.TempDir(), "over-ssh")
	if status := Run(context.Background(), []string{"man", over}, Env{Stderr: &errOut, Store: st}); status != 1 ||
		!strings.Contains(errOut.String(), "cannot write files") {
		t.Errorf("man over SSH: exit %d, %q", status, errOut.String())
	}
	if _, err := os.Stat(over); err == nil {
		t.Errorf("man over SSH made %s", over)
	}
}
