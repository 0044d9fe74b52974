package keyaction

import (
	"slices"
	"testing"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/data"
)

func TestAllowedFollowsTheModel(t *testing.T) {
	want := map[model.Status][]string{
		model.Ready:       {"a"},
		model.Reserved:    {"c", "r", "R", "X"},
		model.Active:      {"s", "R", "X"},
		model.Locked:      {"u", "R", "X"},
		model.Suspended:   {"c", "r", "R", "X"},
		model.Deactivated: {"W"},
		model.Compromised: nil,
	}
	k := DefaultKeys()
	for _, s := range model.Statuses {
		var got []string
		for _, b := range k.Allowed(s) {
			got = append(got, b.Keys()...)
		}
		if !slices.Equal(got, want[s]) {
			t.Errorf("%s: %v, want %v", s, got, want[s])
		}
	}
}

func TestEmployeeWithoutAKeyCanOnlyBeGivenOne(t *testing.T) {
	k := DefaultKeys()
	got := k.Bindings(Target{Employee: &data.EmployeeRow{}})
	if len(got) != 1 || got[0].Help().Desc != "assign" {
		t.Fatalf("actions %v", got)
	}
	if len(k.Bindings(Target{})) != 0 {
		t.Fatal("actions with nothing on screen")
	}
}
