package data

// A write does not move its rows in every sorted order at once: most
// orders are looked at by no session before the next write. Each order
// sorted so far is kept as it was sorted (base) with, for every row
// written since, where that row sorted before its first change; the
// order is moved when first asked for (moved: one copy and a binary
// search per row written). A write thus costs each order a few map
// entries, whatever the number of rows, and an order in use one copy.

// pendingOrder is a sorted order that the writes since have not moved
// yet.
type pendingOrder struct {
	base []int32
	was  *wasLayer
}

// wasLayer is where the rows of one write sorted before it, over the
// layers of the writes before.
type wasLayer struct {
	items map[int32]wasItem
	prev  *wasLayer
	rows  int // in this layer and those before it
}

type wasItem struct {
	item sortItem
	in   bool // false: the row was in no order (new, or gone)
}

// maxPendingRows bounds a pending order's layers: past it, the order is
// moved at the write rather than when asked.
const maxPendingRows = 4096

// after is p with one more write's rows (those in items) over it.
func (p *pendingOrder) after(items map[int32]wasItem) *pendingOrder {
	rows := len(items)
	if p.was != nil {
		rows += p.was.rows
	}
	return &pendingOrder{base: p.base, was: &wasLayer{items: items, prev: p.was, rows: rows}}
}

// moveRows is the order with every pending row moved; now gives where a
// row sorts at the index it belongs to.
func (p *pendingOrder) moveRows(now func(i int32) (sortItem, bool)) []int32 {
	first := map[int32]wasItem{} // the oldest layer's item of each row
	for l := p.was; l != nil; l = l.prev {
		for i, it := range l.items {
			first[i] = it
		}
	}
	rows := make(map[int32]bool, len(first))
	for i := range first {
		rows[i] = true
	}
	return moved(p.base, rows, func(i int32) (sortItem, bool) {
		it := first[i]
		return it.item, it.in
	}, now)
}

// keyNow and employeeNow are where a row of x sorts now.
func (x *Index) keyNow(by KeySort) func(i int32) (sortItem, bool) {
	return func(i int32) (sortItem, bool) {
		if r := x.Keys[i].r(); !r.gone {
			return keyItem(r, i, by), true
		}
		return sortItem{}, false
	}
}

func (x *Index) employeeNow(by EmployeeSort) func(i int32) (sortItem, bool) {
	return func(i int32) (sortItem, bool) {
		if r := x.Employees[i].r(); !r.gone {
			return employeeItem(r, i, by), true
		}
		return sortItem{}, false
	}
}

// WarmOrders sorts, off the screens' way, the orders a session may ask
// for next (`o`): all of them on a new Build. An updated index moves
// its orders when asked, in milliseconds: nothing to warm.
func (x *Index) WarmOrders() {
	if x.version > 0 {
		return
	}
	for _, by := range KeySorts {
		x.KeyOrder(by)
	}
	for _, by := range EmployeeSorts {
		x.EmployeeOrder(by)
	}
}
