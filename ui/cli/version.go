package cli

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"
)

func (a *app) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of keydesk and of Go it was built with",
		Args:  argsNamed(),
		RunE: a.action(func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "keydesk %s (%s)\n", version, runtime.Version())
			return err
		}),
	}
}
