package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestOneTopLevelCommandActsAsTheWholeTree: rootCommand builds only the
// top-level command args name; every command's help, and a mistyped
// subcommand's error, must read as they do with the whole tree built.
func TestOneTopLevelCommandActsAsTheWholeTree(t *testing.T) {
	whole := newApp(context.Background(), Env{}).rootCommand(nil)
	var paths [][]string
	var walk func(cmd *cobra.Command, path []string)
	walk = func(cmd *cobra.Command, path []string) {
		for _, sub := range cmd.Commands() {
			p := append(append([]string{}, path...), sub.Name())
			paths = append(paths, p)
			walk(sub, p)
		}
	}
	walk(whole, nil)
	if len(paths) < 20 {
		t.Fatalf("the whole tree has only %d commands: %v", len(paths), paths)
	}
	db := t.TempDir() + "/never-made.db" // help and usage errors open nothing
	for _, path := range paths {
		tails := [][]string{{"--help"}}
		if group, _, _ := whole.Find(path); group.HasSubCommands() {
			near := group.Commands()[0].Name()[1:] // cobra suggests the real one
			tails = append(tails, []string{"no-such-command"}, []string{near})
		}
		for _, tail := range tails {
			args := append(append([]string{"--db", db}, path...), tail...)
			if commandWord(args) != path[0] {
				t.Fatalf("commandWord(%q) = %q, want %q", args, commandWord(args), path[0])
			}
			pruned, all := run(t, args, false), run(t, args, true)
			if _, err := os.Stat(db); err == nil {
				t.Fatalf("keydesk %s made the database", strings.Join(args, " "))
			}
			if pruned != all {
				t.Errorf("keydesk %s, built alone:\n%s\nwith the whole tree:\n%s", strings.Join(args, " "), pruned, all)
			}
		}
	}
}

// run runs args as Run does, with only the command args name built, or
// with the whole tree, and returns the exit status and what was printed.
func run(t *testing.T, args []string, whole bool) string {
	t.Helper()
	var out bytes.Buffer
	a := newApp(context.Background(), Env{Stdout: &out, Stderr: &out})
	treeArgs := args
	if whole {
		treeArgs = nil
	}
	root := a.rootCommand(treeArgs)
	if whole && len(root.Commands()) != len(a.topLevel()) {
		t.Fatalf("the whole tree has %d top-level commands, topLevel %d", len(root.Commands()), len(a.topLevel()))
	}
	if !whole && len(root.Commands()) != 1 {
		t.Fatalf("keydesk %s built %d top-level commands, want 1", strings.Join(args, " "), len(root.Commands()))
	}
	root.SetArgs(args)
	root.SetOut(&out)
	root.SetErr(&out)
	cmd, err := root.ExecuteC()
	status := a.report(cmd, err)
	return fmt.Sprintf("%s\nexit %d", out.String(), status)
}
