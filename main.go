// Command keydesk manages hardware security keys and the employees who
// hold them; see README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/keydesk/keydesk/ui/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	env := cli.Env{
		Stdin:  os.Stdin,
		Stdout: os.Stdout,
		Stderr: os.Stderr,
		Getenv: os.Getenv,
	}
	status := cli.Run(ctx, os.Args[1:], env)
	stop()
	os.Exit(status)
}
