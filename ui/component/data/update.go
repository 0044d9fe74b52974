package data

import (
	"maps"
	"slices"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
)

// maxDirty is how many rows may have changed since the last Build
// before the next change builds the index again: past it, the searches
// spend more on the changed rows than a Build costs spread over the
// changes.
const maxDirty = 8192

// Update makes the next version of the index from the records a write
// touched, read by store.ReadTouched. The rows it touched, and the rows
// tied to them (a key's holder, an employee's key), get new records in
// place; the lists, texts and tables are shared with the version before.
// ok is false when the change is one to build again for: a profile
// changed, too many rows changed since the last Build, or the index is a
// Preview.
func (x *Index) Update(t store.Touched) (next *Index, ok bool) {
	if x.partial || !sameProfiles(x.Profiles, t.Profiles) {
		return nil, false
	}
	u := updater{x: x, keys: map[uint64]*model.Key{}, employees: map[uint64]*model.Employee{}}
	for i := range t.Keys {
		u.keys[t.Keys[i].ID] = &t.Keys[i]
	}
	for i := range t.Employees {
		u.employees[t.Employees[i].ID] = &t.Employees[i]
	}
	for _, id := range t.GoneKeys {
		u.keys[id] = nil
	}
	for _, id := range t.GoneEmployees {
		u.employees[id] = nil
	}
	if !u.place() || len(x.dirtyKeys)+len(x.dirtyEmployees)+len(u.keyRows)+len(u.employeeRows) > maxDirty {
		return nil, false
	}
	y := u.apply(t.Profiles)
	y.directory = withLeavers(t.Directory, x.directory, u.employees, t.At)
	return y, true
}

// sameProfiles reports whether two lists hold the same profiles (their
// key counts aside): the rows show a profile's name and rules.
func sameProfiles(a, b []store.ProfileUse) bool {
	return slices.EqualFunc(a, b, func(p, q store.ProfileUse) bool { return p.ID == q.ID && p.Rev == q.Rev && p.Name == q.Name })
}

type updater struct {
	x         *Index
	keys      map[uint64]*model.Key      // touched: as now (nil: gone)
	employees map[uint64]*model.Employee // touched: as now (nil: gone)

	keyRows, employeeRows map[int32]bool // rows to make again
	newKeys, newEmployees []uint64       // touched records the index has no row for
}

// place finds the rows of the touched records and of those tied to them.
func (u *updater) place() bool {
	x := u.x
	u.keyRows, u.employeeRows = map[int32]bool{}, map[int32]bool{}
	for id, k := range u.keys {
		if i, ok := x.keyByID.get(id); ok {
			u.keyRows[i] = true
			if old := x.Keys[i].r(); !old.gone {
				u.linkEmployee(old.key.EmployeeID)
			}
		} else if k != nil {
			u.newKeys = append(u.newKeys, id)
		}
		if k != nil {
			u.linkEmployee(k.EmployeeID)
		}
	}
	for id, e := range u.employees {
		if i, ok := x.employeeByID.get(id); ok {
			u.employeeRows[i] = true
			if old := x.Employees[i].r(); !old.gone {
				u.linkKey(old.emp.KeyID)
			}
		} else if e != nil {
			u.newEmployees = append(u.newEmployees, id)
		}
		if e != nil {
			u.linkKey(e.KeyID)
		}
	}
	slices.Sort(u.newKeys)
	slices.Sort(u.newEmployees)
	return len(x.Keys)+len(u.newKeys) <= cap(x.Keys) && len(x.Employees)+len(u.newEmployees) <= cap(x.Employees)
}

func (u *updater) linkEmployee(id uint64) {
	if i, ok := u.x.employeeByID.get(id); ok && id != 0 {
		u.employeeRows[i] = true
	}
}

func (u *updater) linkKey(id uint64) {
	if i, ok := u.x.keyByID.get(id); ok && id != 0 {
		u.keyRows[i] = true
	}
}

// key and employee are a record as it is after the change (nil: none).
func (u *updater) key(id uint64) *model.Key {
	if id == 0 {
		return nil
	}
	if k, ok := u.keys[id]; ok {
		return k
	}
	if i, ok := u.x.keyByID.get(id); ok {
		if r := u.x.Keys[i].r(); !r.gone {
			return r.key
		}
	}
	return nil
}

func (u *updater) employee(id uint64) *model.Employee {
	if id == 0 {
		return nil
	}
	if e, ok := u.employees[id]; ok {
		return e
	}
	if i, ok := u.x.employeeByID.get(id); ok {
		if r := u.x.Employees[i].r(); !r.gone {
			return r.emp
		}
	}
	return nil
}

// apply makes the new version.
func (u *updater) apply(profiles []store.ProfileUse) *Index {
	x := u.x
	y := &Index{
		Keys: x.Keys, Employees: x.Employees,
		keyText: x.keyText, employeeText: x.employeeText,
		keyByID: x.keyByID, employeeByID: x.employeeByID,
		nKeys: x.nKeys, nEmployees: x.nEmployees,
		counts: x.counts, licences: x.licences,
		version: x.version + 1, Profiles: profiles, At: x.At,
		orders: map[any][]int32{},
	}
	// New records get rows at the end (there is room: see place).
	for _, id := range u.newKeys {
		i := int32(len(y.Keys))
		y.Keys = y.Keys[:i+1]
		y.Keys[i].p.Store(&keyRec{gone: true})
		y.keyByID = y.keyByID.with(id, i)
		u.keyRows[i] = true
	}
	for _, id := range u.newEmployees {
		i := int32(len(y.Employees))
		y.Employees = y.Employees[:i+1]
		y.Employees[i].p.Store(&employeeRec{gone: true})
		y.employeeByID = y.employeeByID.with(id, i)
		u.employeeRows[i] = true
	}
	y.dirtyKeys = withRows(x.dirtyKeys, u.keyRows)
	y.dirtyEmployees = withRows(x.dirtyEmployees, u.employeeRows)

	// The new records, all made before any is stored.
	table := newProfileTable(profiles)
	today := model.LicenceDay(x.At)
	keyRecs := map[int32]*keyRec{}
	for i := range u.keyRows {
		keyRecs[i] = u.keyRec(y, i, table, today)
	}
	employeeRecs := map[int32]*employeeRec{}
	for i := range u.employeeRows {
		employeeRecs[i] = u.employeeRec(y, i)
	}
	oldKeys := make(map[int32]*keyRec, len(keyRecs))
	for i, r := range keyRecs {
		old := y.Keys[i].r()
		if i < int32(len(x.Keys)) {
			oldKeys[i] = old // rows past x's are new: in no order of x's
		}
		if !old.gone {
			y.nKeys--
			y.counts[old.key.Status]--
			y.licences[old.licence]--
		}
		if !r.gone {
			y.nKeys++
			y.counts[r.key.Status]++
			y.licences[r.licence]++
		}
		y.Keys[i].p.Store(r)
	}
	oldEmployees := make(map[int32]*employeeRec, len(employeeRecs))
	for i, r := range employeeRecs {
		old := y.Employees[i].r()
		if i < int32(len(x.Employees)) {
			oldEmployees[i] = old
		}
		if !old.gone {
			y.nEmployees--
		}
		if !r.gone {
			y.nEmployees++
		}
		y.Employees[i].p.Store(r)
	}

	// The orders: each sorted or pending one is pending now, with where
	// the rows of this write sorted before it.
	x.mu.Lock()
	pending := make(map[any]*pendingOrder, len(x.orders)+len(x.pending))
	for by, o := range x.orders {
		pending[by] = &pendingOrder{base: o}
	}
	for by, p := range x.pending {
		pending[by] = p
	}
	groups := x.groupLists
	lost, hasLost := x.orders[reportedLostOrder{}]
	x.mu.Unlock()
	if hasLost {
		y.orders[reportedLostOrder{}] = y.movedLost(lost, keyRecs)
	}
	y.pending = make(map[any]*pendingOrder, len(pending))
	for by, p := range pending {
		switch by.(type) {
		case KeySort, EmployeeSort:
		default:
			continue // the keys reported lost: moved above
		}
		items := map[int32]wasItem{}
		switch by := by.(type) {
		case KeySort:
			for i := range u.keyRows {
				if r := oldKeys[i]; r != nil && !r.gone {
					items[i] = wasItem{item: keyItem(r, i, by), in: true}
				} else {
					items[i] = wasItem{}
				}
			}
		case EmployeeSort:
			for i := range u.employeeRows {
				if r := oldEmployees[i]; r != nil && !r.gone {
					items[i] = wasItem{item: employeeItem(r, i, by), in: true}
				} else {
					items[i] = wasItem{}
				}
			}
		}
		if len(items) == 0 {
			if p.was == nil {
				y.orders[by] = p.base // nothing moved
			} else {
				y.pending[by] = p
			}
			continue
		}
		y.pending[by] = p.after(items)
	}
	// An order pending for too long is moved now, at a bounded cost.
	for by, p := range y.pending {
		if p.was.rows <= maxPendingRows {
			continue
		}
		switch by := by.(type) {
		case KeySort:
			y.orders[by] = p.moveRows(y.keyNow(by))
		case EmployeeSort:
			y.orders[by] = p.moveRows(y.employeeNow(by))
		}
		delete(y.pending, by)
	}
	if len(u.employeeRows) == 0 {
		y.groupLists = maps.Clone(groups) // its own: each version adds to its map under its lock
	}
	return y
}

func (u *updater) keyRec(y *Index, i int32, table profileTable, today int) *keyRec {
	old := y.Keys[i].r()
	id := u.idOfNewKey(y, i)
	if old.key != nil {
		id = old.key.ID
	}
	k := u.key(id)
	if k == nil {
		return &keyRec{gone: true, key: old.key}
	}
	r := &keyRec{key: k, holder: u.employee(k.EmployeeID)}
	r.derive(y, table, today)
	var text lowerText
	text.grow(keyTextSize(k, r.holder))
	holder := text.addKey(k, r.holder)
	r.text = text.String()
	r.byName = r.text[holder:]
	return r
}

func (u *updater) employeeRec(y *Index, i int32) *employeeRec {
	old := y.Employees[i].r()
	id := u.idOfNewEmployee(y, i)
	if old.emp != nil {
		id = old.emp.ID
	}
	e := u.employee(id)
	if e == nil {
		return &employeeRec{gone: true, emp: old.emp}
	}
	r := &employeeRec{emp: e, key: u.key(e.KeyID)}
	var text lowerText
	text.grow(employeeTextSize(e, r.key))
	name := text.addEmployee(e, r.key)
	r.text = text.String()
	r.sortName = r.text[:name]
	return r
}

// idOfNewKey is the id of the new record given row i (rows of new
// records follow the old ones in id order).
func (u *updater) idOfNewKey(y *Index, i int32) uint64 {
	if j := int(i) - (len(y.Keys) - len(u.newKeys)); j >= 0 {
		return u.newKeys[j]
	}
	return 0
}

func (u *updater) idOfNewEmployee(y *Index, i int32) uint64 {
	if j := int(i) - (len(y.Employees) - len(u.newEmployees)); j >= 0 {
		return u.newEmployees[j]
	}
	return 0
}

// withRows is dirty with rows added, a new map: the version before keeps
// its own.
func withRows(dirty map[int32]struct{}, rows map[int32]bool) map[int32]struct{} {
	if len(rows) == 0 {
		return dirty
	}
	out := make(map[int32]struct{}, len(dirty)+len(rows))
	for i := range dirty {
		out[i] = struct{}{}
	}
	for i := range rows {
		out[i] = struct{}{}
	}
	return out
}

// moved is order with the rows that changed taken out and put back
// where they now sort (the gone ones left out): a binary search per row
// and one copy of the order, not a sort. was gives a changed row's place
// in order as it was sorted (its item then; false if it was not in it),
// now its place after the change; every other row sorts as it did.
func moved(order []int32, rows map[int32]bool, was, now func(i int32) (sortItem, bool)) []int32 {
	itemAt := func(j int) sortItem {
		i := order[j]
		if rows[i] {
			it, _ := was(i)
			return it
		}
		it, _ := now(i)
		return it
	}
	search := func(it sortItem) int {
		lo, hi := 0, len(order)
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if compareItems(itemAt(m), it) < 0 {
				lo = m + 1
			} else {
				hi = m
			}
		}
		return lo
	}
	type insert struct {
		at   int // before order[at]
		item sortItem
	}
	var drop []int
	var inserts []insert
	for i := range rows {
		if it, ok := was(i); ok {
			if at := search(it); at < len(order) && order[at] == i {
				drop = append(drop, at)
			} else if at := slices.Index(order, i); at >= 0 {
				drop = append(drop, at) // not where it should be: found the long way
			}
		}
		if it, ok := now(i); ok {
			inserts = append(inserts, insert{at: search(it), item: it})
		}
	}
	slices.Sort(drop)
	slices.SortFunc(inserts, func(a, b insert) int {
		if a.at != b.at {
			return a.at - b.at
		}
		return compareItems(a.item, b.item)
	})
	out := make([]int32, 0, len(order)-len(drop)+len(inserts))
	from := 0
	for len(drop) > 0 || len(inserts) > 0 {
		if len(inserts) > 0 && (len(drop) == 0 || inserts[0].at <= drop[0]) {
			out = append(out, order[from:inserts[0].at]...)
			out = append(out, inserts[0].item.row)
			from = inserts[0].at
			inserts = inserts[1:]
			continue
		}
		out = append(out, order[from:drop[0]]...)
		from = drop[0] + 1
		drop = drop[1:]
	}
	return append(out, order[from:]...)
}
