// Package ui is keydesk's terminal UI: a root model that owns the header,
// the footer and the modal layers (dialogs, the code screen, help, the
// wizard), and one model per screen (Employees, Keys, Audit, Settings) that it
// routes keys to. The same model runs locally (Run) and over SSH (New,
// one per session).
package ui

import (
	"context"
	"crypto/x509"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
)

// Config is what one session of the UI works with.
type Config struct {
	Store    *store.Store
	Actor    model.Actor        // who acts: the store checks their role
	Renderer *lipgloss.Renderer // the session's renderer (local: lipgloss.DefaultRenderer(); over SSH: one per session)
	Now      func() time.Time   // nil = time.Now

	// Remote is true for a session served over SSH: the screens then
	// never open a path the admin types, since it would name a file on
	// the server (files come through `ssh … import keys -` instead).
	Remote bool

	// DirectorySnapshot, when set, is the snapshot CSV file that the
	// directory sync's preview (S) reads instead of LDAP (serve
	// --directory-snapshot).
	DirectorySnapshot string

	// Context, when set, ends the session's subscription to store changes
	// when it is done (an SSH session that drops without quitting). It
	// ends anyway when the admin quits.
	Context context.Context

	// E-mailing codes: the roots that verify the mail server's
	// certificate (nil = the system's) and the longest a send may take
	// (0 = 10 seconds). Tests set both for their own mail server.
	MailRootCAs *x509.CertPool
	MailTimeout time.Duration
}

// New builds the root model of one session.
func New(cfg Config) tea.Model { return newApp(cfg) }
