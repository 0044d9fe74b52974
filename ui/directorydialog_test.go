package ui

import (
	"context"
	"io"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/styles"
	"github.com/muesli/termenv"
)

// The preview names who joins, moves and leaves, and a plan over the
// share of leavers is applied only once their number is typed.
func TestDirectoryPreviewDialog(t *testing.T) {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	c := &common.Common{Styles: styles.New(r)}
	plan := model.SyncPlan{Entries: 3, Active: 4,
		Joiners: []model.EmployeeInput{{FirstName: "Ivy", LastName: "New", Email: "ivy@example.com"}},
		Movers:  []model.SyncMove{{Employee: model.Employee{FirstName: "Cy", LastName: "Young"}, Fields: []string{"last name"}}},
		Leavers: []model.Employee{{FirstName: "Ann", LastName: "Lee", KeyID: 1}},
	}
	res := store.SyncResult{Source: "ldap ldaps://dc1 ou=people", Plan: plan, Policy: model.DefaultSyncPolicy()}
	refusal := plan.CheckSync(res.Policy, 0)
	if refusal == nil {
		t.Fatal("25% leavers passed the fail-safe")
	}
	f := directoryDialog(context.Background(), c, res, refusal)
	f.SetSize(100, 30)
	view := f.View()
	for _, want := range []string{"Confirm the leavers?", "Joiners: Ivy New", "Movers: Cy Young (last name)", "Leavers: Ann Lee", "1 of 4 active (25.0%", "type 1 to confirm"} {
		if !strings.Contains(view, want) {
			t.Errorf("the preview does not say %q:\n%s", want, view)
		}
	}
	// Enter without the number: the dialog stays, nothing is applied.
	if done, cmd := f.Update(tea.KeyMsg{Type: tea.KeyEnter}); done || cmd != nil {
		t.Error("applied without the number of leavers typed")
	}

	// Within the share: a plain confirmation.
	plan.Leavers = nil
	res.Plan = plan
	f = directoryDialog(context.Background(), c, res, nil)
	f.SetSize(100, 30)
	if v := f.View(); !strings.Contains(v, "Apply the directory sync?") {
		t.Errorf("preview within the share:\n%s", v)
	}
}
