package cli

import (
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/spf13/cobra"
)

// The device commands report what a key's client software reports; they
// stand in for it in scripts and tests, and are recorded as the device in
// the audit trail whoever runs them.

func (a *app) deviceActivateCommand() *cobra.Command {
	return a.statusCommand("activate SERIAL CODE",
		"Report that CODE was typed for the key: the right code activates it, 3 wrong ones lock it", argsNamed("SERIAL", "CODE"),
		nil, func(st *store.Store, args []string) (model.Key, error) {
			return st.DeviceEnterCode(a.actor(), args[0], args[1])
		})
}

func (a *app) devicePinLockedCommand() *cobra.Command {
	return a.statusCommand("pin-locked SERIAL", "Report that an Active key's PIN was entered wrong too often: it becomes Locked",
		argsNamed("SERIAL"), nil, func(st *store.Store, args []string) (model.Key, error) {
			return st.DevicePinLocked(a.actor(), args[0])
		})
}
