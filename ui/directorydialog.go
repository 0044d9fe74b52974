package ui

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/dialog"
)

// directoryPreview reads the LDAP directory in a command and opens the
// sync's preview: what would change, and the fail-safe's answer. Applying
// it syncs again, with the same rules, so what is applied is the
// directory as it is then.
func (a *app) directoryPreview() tea.Cmd {
	if !a.Access.May(model.OpDirectorySync) {
		return common.Cmd(common.InfoMsg{Text: "syncing with the directory needs an admin; directory status shows the last sync"})
	}
	c := a.Common
	ctx := a.ctx
	return tea.Batch(common.Cmd(common.InfoMsg{Text: "reading the directory…"}), func() tea.Msg {
		res, err := c.Store.SyncDirectoryLDAP(ctx, c.Actor, store.SyncOptions{DryRun: true})
		if res.At.IsZero() && err != nil {
			return common.ErrMsg{Err: err}
		}
		f := directoryDialog(ctx, &c, res, err)
		return tea.BatchMsg{common.Cmd(common.OpenDialogMsg{Dialog: f}), f.Init()}
	})
}

// directoryDialog shows a plan; a plan over the share of leavers asks for
// their number to be typed, as --confirm-leavers does.
func directoryDialog(ctx context.Context, c *common.Common, res store.SyncResult, refusal error) *dialog.Form {
	p := res.Plan
	body := []string{model.Printable(res.Source), model.Printable(p.Summary()),
		fmt.Sprintf("Leavers: %d of %d active (%.1f%%, at most %d%% without confirmation); their keys are withdrawn after a grace period of %s.",
			len(p.Leavers), p.Active, p.LeaverPercent(), res.Policy.MaxLeaverPercent, model.GraceText(res.Policy.Grace))}
	list := func(title string, names []string) {
		if len(names) == 0 {
			return
		}
		shown := names[:min(len(names), 4)]
		line := title + ": " + strings.Join(shown, ", ")
		if len(names) > len(shown) {
			line += fmt.Sprintf(" and %d more", len(names)-len(shown))
		}
		body = append(body, line)
	}
	person := func(e model.Employee) string { return model.Printable(e.FullName()) }
	var joiners, movers, leavers, withdrawn []string
	for _, j := range p.Joiners {
		joiners = append(joiners, model.Printable(strings.TrimSpace(j.FirstName+" "+j.LastName)))
	}
	for _, m := range p.Movers {
		movers = append(movers, person(m.Employee)+" ("+strings.Join(m.Fields, ", ")+")")
	}
	for _, l := range p.Leavers {
		leavers = append(leavers, person(l))
	}
	for _, w := range p.Withdrawals {
		withdrawn = append(withdrawn, person(w.Employee))
	}
	list("Joiners", joiners)
	list("Movers", movers)
	list("Leavers", leavers)
	list("Keys withdrawn now", withdrawn)
	var sr *model.SyncRefusal
	confirmable := errors.As(refusal, &sr) && sr.Leavers > 0
	switch {
	case refusal != nil && !confirmable:
		body = append(body, model.Printable(refusal.Error()))
		return dialog.NewForm(c.Styles, "Directory sync refused", "close", func(dialog.Values) tea.Cmd { return nil }).WithBody(body...)
	case p.Empty():
		body = append(body, "Nothing to change.")
		return dialog.NewForm(c.Styles, "Directory sync", "close", func(dialog.Values) tea.Cmd { return nil }).WithBody(body...)
	}
	st, actor := c.Store, c.Actor
	apply := func(confirm int) tea.Cmd {
		return func() tea.Msg {
			res, err := st.SyncDirectoryLDAP(ctx, actor, store.SyncOptions{ConfirmLeavers: confirm})
			if err != nil {
				return common.ErrMsg{Err: err}
			}
			return common.InfoMsg{Text: "directory sync applied: " + model.Printable(res.Plan.Summary())}
		}
	}
	if !confirmable {
		return dialog.NewForm(c.Styles, "Apply the directory sync?", "apply", func(dialog.Values) tea.Cmd { return apply(0) }).WithBody(body...)
	}
	n := sr.Leavers
	body = append(body, fmt.Sprintf("More leavers than allowed: type %d to confirm that number, or check the directory.", n))
	return dialog.NewForm(c.Styles, "Confirm the leavers?", "apply", func(dialog.Values) tea.Cmd { return apply(n) }).
		WithDanger().WithBody(body...).
		WithInput(&dialog.Input{Key: "leavers", Label: "Leavers", Placeholder: strconv.Itoa(n), Validate: func(s string) error {
			if s != strconv.Itoa(n) {
				return fmt.Errorf("type %d, the number of leavers", n)
			}
			return nil
		}})
}
