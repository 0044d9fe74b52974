package cli

import (
	"errors"

	"github.com/keydesk/keydesk/store"
	"github.com/spf13/cobra"
)

// runTUI is the bare `keydesk`: the terminal UI on the database.
func (a *app) runTUI(*cobra.Command, []string) error {
	if a.env.OpenTUI == nil || a.env.Store != nil {
		return errors.New("the terminal UI is not available here")
	}
	return a.withStore(mayCreate, func(st *store.Store) error {
		return a.env.OpenTUI(a.ctx, st, a.actor())
	})
}
