package data

import (
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
)

// Preview is an index of the store's first page of employees (by name),
// with the keys they hold and the counts of all keys (by status, and by
// licence status for the keys that have one): a first screen in a few
// milliseconds while the whole index loads. Only its employees in name
// order are complete; searches, other orders, the keys list and the
// pickers need the whole index (see Partial).
func Preview(page store.FirstPage) *Index {
	x := build(store.Snapshot{Employees: page.Employees, Keys: page.Keys, At: page.At}, gramsNever)
	x.partial = true
	x.counts = [model.Compromised + 1]int{}
	for s, n := range page.Counts {
		if s.Valid() {
			x.counts[s] = n
		}
	}
	x.licences = [model.LicenceExpired + 1]int{}
	for l, n := range page.Licences {
		if int(l) < len(x.licences) {
			x.licences[l] = n
		}
	}
	return x
}

// Partial reports whether the index is a Preview.
func (x *Index) Partial() bool { return x.partial }
