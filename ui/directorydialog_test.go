package ui

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

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

// After a sync with a leaver, the header says when their key goes; past
// the grace period a sync withdraws it, and the key page names its last
// holder.
func TestDirectoryHeaderAndLastHolder(t *testing.T) {
	clock := tNow
	st := tStoreAt(t, func() time.Time { return clock })
	ctx := context.Background()
	if _, err := st.ImportKeys(tActor, []store.KeyRow{{Line: 2, KeyInput: model.KeyInput{Serial: "KD-1"}}}); err != nil {
		t.Fatal(err)
	}
	snapshot := func(lines ...string) store.SnapshotSource {
		return store.SnapshotSource{R: strings.NewReader("external_id,first_name,last_name,email\n" + strings.Join(lines, "\n") + "\n")}
	}
	var people []string
	for i := range 12 {
		people = append(people, fmt.Sprintf("u%d,P%d,Staff,p%d@example.com", i, i, i))
	}
	if _, err := st.SyncDirectory(ctx, tActor, snapshot(people...), store.SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AssignKey(tActor, store.Serial("KD-1"), "p0@example.com"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SyncDirectory(ctx, tActor, snapshot(people[1:]...), store.SyncOptions{}); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, st, 80, 24)
	d.mustSee("1 leaver: key withdrawn in 3 days")

	clock = clock.Add(73 * time.Hour)
	if res, err := st.SyncDirectory(ctx, tActor, snapshot(people[1:]...), store.SyncOptions{}); err != nil || len(res.Plan.Withdrawals) != 1 {
		t.Fatalf("past grace: %v %s", err, res.Plan.Summary())
	}
	d.reload()
	d.mustNotSee("1 leaver")
	d.press("2", "enter")
	d.mustSee("Key KD-1", "Ready", "last held by P0 Staff <p0@example.com>")
}
