package cli

import (
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/spf13/cobra"
)

// The device commands report what a key's client software reports; they
// stand in for it in scripts and tests, and are recorded as the device in
// the audit trail whoever runs them.
func (a *app) deviceCommand() *cobra.Command {
	activate := a.statusCommand(&cobra.Command{
		Use:   "activate SERIAL CODE",
		Short: "Report that CODE was typed for the key: the right code activates it, 3 wrong ones lock it",
		Args:  argsNamed("SERIAL", "CODE"),
	}, nil, func(st *store.Store, args []string) (model.Key, error) {
		return st.DeviceEnterCode(a.actor(), args[0], args[1])
	})
	pinLocked := a.statusCommand(&cobra.Command{
		Use:   "pin-locked SERIAL",
		Short: "Report that an Active key's PIN was entered wrong too often: it becomes Locked",
	}, nil, func(st *store.Store, args []string) (model.Key, error) {
		return st.DevicePinLocked(a.actor(), args[0])
	})
	return a.group("device", "Report what a key's client software reports (a code typed, the PIN locked, a profile applied)",
		activate, pinLocked, a.profileAppliedCommand())
}
