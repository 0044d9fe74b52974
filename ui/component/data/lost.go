package data

import (
	"slices"

	"github.com/keydesk/keydesk/model"
)

// ReportedLost is the keys reported lost, waiting for an admin to mark
// them compromised, oldest report first. Read afresh at each call: the
// shared view updates rows in place, so a result kept would go stale (a
// loop over the rows, well under a millisecond at 100,000 keys). A first
// page (Partial) knows none: it does not hold every key.
func (x *Index) ReportedLost() []int32 {
	if x.partial {
		return nil
	}
	out := []int32{}
	for i := range x.Keys {
		if model.IsReportedLost(x.Keys[i].Status(), x.Keys[i].Reason()) {
			out = append(out, int32(i))
		}
	}
	slices.SortStableFunc(out, func(a, b int32) int { return x.Keys[a].UpdatedAt().Compare(x.Keys[b].UpdatedAt()) })
	return out
}
