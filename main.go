// Command keydesk manages hardware security keys and the employees who
// hold them; see README.md. main only joins the faces of the program: the
// command line, the terminal UI and the SSH server.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui"
	"github.com/keydesk/keydesk/ui/cli"
	"github.com/keydesk/keydesk/ui/serve"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	env := cli.Env{
		Stdin:   os.Stdin,
		Stdout:  os.Stdout,
		Stderr:  os.Stderr,
		Getenv:  os.Getenv,
		OpenTUI: ui.Run,
		Serve:   runServer,
	}
	status := cli.Run(ctx, os.Args[1:], env)
	stop()
	os.Exit(status)
}

// runServer serves the same screens and commands over SSH.
func runServer(ctx context.Context, st *store.Store, opts cli.ServeOptions) error {
	return serve.Run(ctx, serve.Config{
		Store:              st,
		DBPath:             opts.DBPath,
		Listen:             opts.Listen,
		HostKeyPath:        opts.HostKeyPath,
		AuthorizedKeysPath: opts.AuthorizedKeysPath,
		IdleTimeout:        opts.IdleTimeout,
		AnchorPath:         opts.AnchorPath,
		DirectorySync:      opts.DirectorySync,
		OpsConfig: serve.OpsConfig{
			BackupDir: opts.Ops.BackupDir, BackupEvery: opts.Ops.BackupEvery, BackupKeep: opts.Ops.BackupKeep,
			MetricsListen: opts.Ops.Metrics, LogFormat: opts.Ops.LogFormat,
		},
		Log: os.Stderr,
		NewTUI: func(ctx context.Context, st *store.Store, actor model.Actor, r *lipgloss.Renderer) tea.Model {
			return ui.New(ui.Config{Store: st, Actor: actor, Renderer: r, Context: ctx, Remote: true})
		},
		RunCommand: func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, actor model.Actor) int {
			// The server's own environment is not the admin's: no Getenv.
			return cli.Run(ctx, args, cli.Env{
				Stdin: stdin, Stdout: stdout, Stderr: stderr, Actor: actor, Store: st,
				Getenv: func(string) string { return "" }, AuthorizedKeysPath: opts.AuthorizedKeysPath,
			})
		},
	})
}
