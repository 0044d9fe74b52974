package data

import (
	"slices"

	"github.com/keydesk/keydesk/model"
)

// reportedLostOrder is the cache key of ReportedLost in the orders map.
type reportedLostOrder struct{}

// ReportedLost is the keys reported lost, waiting for an admin to mark
// them compromised, oldest report first; computed once per index. A
// first page (Partial) knows none: it does not hold every key.
func (x *Index) ReportedLost() []int32 {
	if x.partial {
		return nil
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if o, ok := x.orders[reportedLostOrder{}]; ok {
		return o
	}
	out := []int32{}
	for i := range x.Keys {
		if model.IsReportedLost(x.Keys[i].Status(), x.Keys[i].Reason()) {
			out = append(out, int32(i))
		}
	}
	slices.SortStableFunc(out, func(a, b int32) int { return x.Keys[a].UpdatedAt().Compare(x.Keys[b].UpdatedAt()) })
	x.orders[reportedLostOrder{}] = out
	return out
}
