package data

import (
	"cmp"
	"slices"

	"github.com/keydesk/keydesk/model"
)

// reportedLostOrder is the cache key of ReportedLost in the orders map.
type reportedLostOrder struct{}

// ReportedLost is the keys reported lost, waiting for an admin to mark
// them compromised, oldest report first; computed once per version of the
// view (the header asks for it at every frame of every session; a write
// moves it, see Update). A first page (Partial) knows none: it does not
// hold every key.
func (x *Index) ReportedLost() []int32 {
	if x.partial {
		return nil
	}
	return x.list(reportedLostOrder{}, func() []int32 {
		out := []int32{}
		for i := range x.Keys {
			if isReportedLost(x.Keys[i].r()) {
				out = append(out, int32(i))
			}
		}
		x.sortLost(out)
		return out
	})
}

func isReportedLost(r *keyRec) bool {
	return r != nil && !r.gone && model.IsReportedLost(r.key.Status, r.key.Reason)
}

// sortLost sorts keys by the time of their report (their last change),
// in the rows' order for the same time.
func (x *Index) sortLost(rows []int32) {
	slices.SortFunc(rows, func(a, b int32) int {
		if c := x.Keys[a].UpdatedAt().Compare(x.Keys[b].UpdatedAt()); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
}

// movedLost is the keys reported lost after a write, from the list
// before it: the same list when the write touched none of them and
// reported none, else that list with the touched rows taken out and
// those now reported lost put in. touched is the rows the write made
// again (with their records after it).
func (x *Index) movedLost(lost []int32, touched map[int32]*keyRec) []int32 {
	changed := false
	for i, r := range touched {
		changed = changed || isReportedLost(r) || slices.Contains(lost, i)
	}
	if !changed {
		return lost
	}
	out := make([]int32, 0, len(lost)+len(touched))
	for _, i := range lost {
		if _, ok := touched[i]; !ok {
			out = append(out, i)
		}
	}
	for i, r := range touched {
		if isReportedLost(r) {
			out = append(out, i)
		}
	}
	x.sortLost(out)
	return out
}
