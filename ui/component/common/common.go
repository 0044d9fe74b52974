// Package common holds what every screen of the terminal UI shares: its
// size, its styles, the store, who is acting and the clock. Each screen
// embeds a Common, as in soft-serve's pkg/ui/common.
package common

import (
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/component/styles"
)

// Common is the context a screen works in.
type Common struct {
	Width, Height int
	Styles        *styles.Styles
	Store         *store.Store
	Actor         model.Actor // who acts: the store checks their role
	Access        *Access     // their role as last resolved: what to offer
	Now           func() time.Time
	ListKeys      *ListKeys // the bindings every list shares

	// Remote: the session is served over SSH, so the files around the
	// program are the server's, not the admin's.
	Remote bool
}

// SetSize records the space the screen may draw in.
func (c *Common) SetSize(width, height int) {
	c.Width, c.Height = width, height
}
