package data

import (
	"cmp"
	"reflect"
	"slices"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
)

// Directory is the directory sync's state when the index was built or
// last updated.
func (x *Index) Directory() store.DirectoryStatus { return x.directory }

// withLeavers is d (read without its leavers) with the leavers who hold
// a key: those of before, but the employees a write touched, which are
// taken as they are now (nil: deleted).
func withLeavers(d store.DirectoryStatus, before store.DirectoryStatus, touched map[uint64]*model.Employee, at time.Time) store.DirectoryStatus {
	var leavers []model.Employee
	for _, list := range [][]model.SyncWithdrawal{before.Due, before.Pending} {
		for _, w := range list {
			if _, ok := touched[w.Employee.ID]; !ok {
				leavers = append(leavers, w.Employee)
			}
		}
	}
	for _, e := range touched {
		if e != nil && e.HasLeft() && e.KeyID != 0 {
			leavers = append(leavers, *e)
		}
	}
	slices.SortFunc(leavers, func(a, b model.Employee) int { return cmp.Compare(a.ID, b.ID) })
	d.Due, d.Pending = nil, nil
	for _, e := range leavers {
		w := model.SyncWithdrawal{Employee: e, Due: model.WithdrawalAt(e, d.Policy.Grace)}
		if model.WithdrawalDue(e, d.Policy.Grace, at) {
			d.Due = append(d.Due, w)
		} else {
			d.Pending = append(d.Pending, w)
		}
	}
	return d
}

// sameDirectory reports whether two states read without their leavers
// say the same.
func sameDirectory(a, b store.DirectoryStatus) bool {
	return a.Refused == b.Refused && reflect.DeepEqual(a.Last, b.Last) && reflect.DeepEqual(a.Policy, b.Policy)
}
