package cli

import (
	"github.com/spf13/cobra"
)

// completionCommand prints a shell's completion script for the whole
// command tree. cobra's own completion command is off (rootCommand) as
// it would be built only when its word is typed; this one builds the
// whole tree, so every command is in the script whatever was typed.
// Completion of the words after a command is asked of keydesk itself
// (cobra's hidden __complete), so the script stays right across upgrades.
func (a *app) completionCommand() *cobra.Command {
	cmd := a.command("completion bash|zsh|fish|powershell",
		"Print the shell completion script for bash, zsh, fish or PowerShell",
		argsNamed("SHELL"), func(cmd *cobra.Command, args []string) error {
			tree := wholeTree(newApp(a.ctx, a.env))
			out := a.env.Stdout
			switch args[0] {
			case "bash":
				return tree.GenBashCompletionV2(out, true)
			case "zsh":
				return tree.GenZshCompletion(out)
			case "fish":
				return tree.GenFishCompletion(out, true)
			case "powershell":
				return tree.GenPowerShellCompletionWithDesc(out)
			}
			return usagef(cmd, "completion: no shell %q (bash, zsh, fish or powershell)", args[0])
		})
	cmd.Long = `Print the script that completes keydesk's commands and flags in a shell.

  bash:        keydesk completion bash > /etc/bash_completion.d/keydesk
  zsh:         keydesk completion zsh > "${fpath[1]}/_keydesk"
  fish:        keydesk completion fish > ~/.config/fish/completions/keydesk.fish
  PowerShell:  keydesk completion powershell | Out-String | Invoke-Expression`
	cmd.ValidArgs = []string{"bash", "zsh", "fish", "powershell"}
	return cmd
}

// wholeTree is rootCommand(nil): every command built. It is set in init,
// as completion and man are themselves in the tree that topLevelNames
// learns its names from (a reference from here would be a cycle).
var wholeTree func(a *app) *cobra.Command

func init() { wholeTree = func(a *app) *cobra.Command { return a.rootCommand(nil) } }
