package cli

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"
)

func (a *app) versionCommand() *cobra.Command {
	return a.command("version", "Print the version of keydesk and of Go it was built with", argsNamed(),
		func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "keydesk %s (%s)\n", version, runtime.Version())
			return err
		})
}
