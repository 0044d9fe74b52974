package cli

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Exit statuses (SPEC 7).
const (
	exitOK      = 0
	exitRefused = 1
	exitUsage   = 2
)

// usageError is a command line that does not say what to do: exit 2, with
// a pointer to the help of the command concerned.
type usageError struct {
	cmd *cobra.Command
	msg string
}

func (e *usageError) Error() string { return e.msg }

func usagef(cmd *cobra.Command, format string, args ...any) error {
	return &usageError{cmd: cmd, msg: fmt.Sprintf(format, args...)}
}

// unknownCommand accepts no arguments: a word after a command that only
// holds subcommands is a mistyped subcommand.
func unknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q", strings.TrimSpace(commandName(cmd)+" "+args[0]))
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += fmt.Sprintf(" (did you mean %s?)", strings.Join(s, " or "))
	}
	return usagef(cmd, "%s", msg)
}

// argsNamed wants exactly the named arguments, in order.
func argsNamed(names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case len(args) < len(names):
			return usagef(cmd, "%s: missing %s", commandName(cmd), strings.Join(names[len(args):], " "))
		case len(args) > len(names):
			if len(names) == 0 {
				return usagef(cmd, "%s takes no arguments, not %q", commandName(cmd), args[0])
			}
			return usagef(cmd, "%s takes %d %s (%s), not %d", commandName(cmd),
				len(names), plural(len(names), "argument", "arguments"), strings.Join(names, " "), len(args))
		}
		return nil
	}
}

// flagError turns pflag's messages into the admin's words.
func flagError(cmd *cobra.Command, err error) error {
	var invalid *pflag.InvalidValueError
	if !errors.As(err, &invalid) {
		return usagef(cmd, "%s", err)
	}
	name, value := "--"+invalid.GetFlag().Name, invalid.GetValue()
	var num *strconv.NumError
	switch {
	case errors.As(err, &num):
		return usagef(cmd, "%s needs a whole number, not %q", name, value)
	case invalid.GetFlag().Value.Type() == "duration":
		return usagef(cmd, "%s needs a duration like 15m or 1h30m, not %q", name, value)
	}
	return usagef(cmd, "%s: %s", name, errors.Unwrap(err))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// report prints what went wrong, if anything, and returns the exit status.
// Every message passes through model.Printable: it may quote the database
// or the command line, and must stay one line of plain text.
func (a *app) report(cmd *cobra.Command, err error) int {
	if err == nil {
		return exitOK
	}
	stderr := a.env.Stderr
	var usage *usageError
	if errors.As(err, &usage) || !a.started {
		if usage != nil && usage.cmd != nil {
			cmd = usage.cmd
		}
		fmt.Fprintf(stderr, "keydesk: %s\n", model.Printable(err.Error()))
		fmt.Fprintf(stderr, "run '%s' for usage\n", helpCommand(cmd))
		return exitUsage
	}
	var bad *store.ImportError
	if errors.As(err, &bad) {
		fmt.Fprintf(stderr, "keydesk: nothing imported: %d %s\n", bad.Problems(), plural(bad.Problems(), "problem", "problems"))
		for _, row := range bad.Rows {
			if row.Line > 0 {
				fmt.Fprintf(stderr, "line %d: %s\n", row.Line, model.Printable(row.Msg))
			} else {
				fmt.Fprintf(stderr, "%s\n", model.Printable(row.Msg))
			}
		}
		if bad.More > 0 {
			fmt.Fprintln(stderr, bad.MoreLine())
		}
		return exitRefused
	}
	fmt.Fprintf(stderr, "keydesk: %s\n", model.Printable(err.Error()))
	return exitRefused
}

// commandName is the command as typed after "keydesk": "key assign".
func commandName(cmd *cobra.Command) string {
	if cmd == nil || !cmd.HasParent() {
		return ""
	}
	return strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
}

// helpCommand is the command that shows the help of cmd.
func helpCommand(cmd *cobra.Command) string {
	return strings.TrimSpace("keydesk help " + commandName(cmd))
}
